/** Reality checks (issue 23): the intervals offered, and the time played in hours and minutes. */

/** The choices on the page, in minutes (auth accepts any 10..240; off is null). */
export const REALITY_CHECK_CHOICES: readonly number[] = [15, 30, 45, 60, 90, 120];

/** The choices, with the account's own interval among them when it is another one (set elsewhere). */
export function realityCheckChoices(current: number | null): number[] {
  const choices = [...REALITY_CHECK_CHOICES];
  if (current !== null && !choices.includes(current)) choices.push(current);
  return choices.sort((a, b) => a - b);
}

/** Seconds played as whole hours and minutes (rounded down: 5399 s is 1 h 29 min). */
export function playedTime(playedS: number): { hours: number; minutes: number } {
  const minutes = Math.floor(Math.max(0, playedS) / 60);
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}
