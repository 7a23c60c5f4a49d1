/** The reasons every new account starts with; owners rename, reorder and archive them. */
export const DEFAULT_REASONS = [
  "Too expensive",
  "Missing features I need",
  "Switched to a competitor",
  "Not using it enough",
  "Technical problems",
  "Poor customer support",
  "Temporary or seasonal need",
  "Business closed",
  "Other",
] as const;
