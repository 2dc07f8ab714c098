/** The delivery figures of the last 24 hours (GET /api/notifications/admin/stats), summed. */
type Status = "pending" | "sent" | "failed";
type Channel = "email" | "telegram";

export interface DeliveryFigures {
  total: number;
  byStatus: Record<Status, number>;
  byChannel: Record<Channel, number>;
  cell: Record<Status, Record<Channel, number>>;
}

export function deliveryFigures(
  counts: { status: Status; channel: Channel; count: number }[],
): DeliveryFigures {
  const zero = () => ({ email: 0, telegram: 0 });
  const figures: DeliveryFigures = {
    total: 0,
    byStatus: { pending: 0, sent: 0, failed: 0 },
    byChannel: zero(),
    cell: { pending: zero(), sent: zero(), failed: zero() },
  };
  for (const { status, channel, count } of counts) {
    figures.total += count;
    figures.byStatus[status] += count;
    figures.byChannel[channel] += count;
    figures.cell[status][channel] += count;
  }
  return figures;
}
