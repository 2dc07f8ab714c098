/** Tooltips in the theme's colours (CSS custom properties work in Recharts' inline styles). */
export const chartTooltipStyle = {
  contentStyle: {
    background: "var(--surface)",
    border: "1px solid var(--border)",
    borderRadius: 6,
    color: "var(--text)",
  },
  labelStyle: { color: "var(--text)", fontWeight: 600 },
  itemStyle: { color: "var(--text)" },
  cursor: { stroke: "var(--muted)", fill: "var(--surface-2)" },
} as const;
