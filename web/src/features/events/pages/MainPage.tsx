export function Component() {
  return <h1>events</h1>;
}
