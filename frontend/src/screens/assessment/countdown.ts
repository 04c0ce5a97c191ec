/** The transmission wait as minutes and seconds, for the countdown. */
export function minutesAndSeconds(totalSeconds: number): { minutes: number; seconds: number } {
  const whole = Math.max(0, Math.ceil(totalSeconds));
  return { minutes: Math.floor(whole / 60), seconds: whole % 60 };
}

/** How long to wait before asking the gateway again: at the end of the wait, at most 15 s. */
export function nextCheckMs(secondsLeft: number): number {
  return Math.min(Math.max(secondsLeft, 1), 15) * 1000;
}
