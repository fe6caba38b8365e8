/** Coder's weekday bitmaps (`codersdk.WeekdaysToBitmap`): bit 0 is Monday, bit 6 Sunday. */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const ALL_DAYS = 0x7f;

export const bitmapToWeekdays = (bits: number): string[] => WEEKDAYS.filter((_, i) => (bits & (1 << i)) !== 0);

/** The bitmap of lower-case weekday names, or the first name that is not one. */
export function weekdaysToBitmap(days: readonly string[]): { bits: number } | { invalid: string } {
  let bits = 0;
  for (const day of days) {
    const i = (WEEKDAYS as readonly string[]).indexOf(day.toLowerCase());
    if (i < 0) return { invalid: day };
    bits |= 1 << i;
  }
  return { bits };
}
