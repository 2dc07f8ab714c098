export { LiveCount } from "./components/LiveCount";
export { useLiveStream } from "./api/useLiveStream";
