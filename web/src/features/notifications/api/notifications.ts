/**
 * The signed-in user's notification settings (GET/PUT /api/notifications/preferences), the
 * Telegram link (PUT/DELETE /api/notifications/telegram) and what was sent
 * (GET /api/notifications/history, cursor paged).
 */
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import { useSession } from "@/shared/session/session";
import {
  switched,
  type Channel,
  type HistoryPage,
  type Kind,
  type NotificationPreferences,
} from "../model/notifications";

export const notificationKeys = {
  all: ["notifications"] as const,
  preferences: ["notifications", "preferences"] as const,
  history: ["notifications", "history"] as const,
};

const PAGE = 20;

export function useNotificationPreferences() {
  const { user } = useSession();
  return useQuery({
    queryKey: notificationKeys.preferences,
    enabled: !!user,
    queryFn: async (): Promise<NotificationPreferences> =>
      unwrap(api.GET("/api/notifications/preferences")),
  });
}

export interface SwitchRequest {
  kind: Kind;
  channel: Channel;
  on: boolean;
}

/**
 * One switch, shown at once (optimistic) and put back as it was if the API refuses it. Only the
 * kind switched is sent (the API changes only the kinds listed), with both its channels.
 */
export function useSwitchKind() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ kind, channel, on }: SwitchRequest) => {
      const current = client.getQueryData<NotificationPreferences>(notificationKeys.preferences);
      const row = current?.kinds.find((item) => item.kind === kind) ?? {
        kind,
        email: true,
        telegram: true,
      };
      const body = { kinds: [{ ...row, kind, [channel]: on }] };
      return unwrap(api.PUT("/api/notifications/preferences", { body }));
    },
    onMutate: async ({ kind, channel, on }) => {
      await client.cancelQueries({ queryKey: notificationKeys.preferences });
      const before = client.getQueryData<NotificationPreferences>(notificationKeys.preferences);
      if (before) {
        client.setQueryData(notificationKeys.preferences, switched(before, kind, channel, on));
      }
      return { before };
    },
    onError: (_error, { kind, channel }, context) => {
      // Only this switch goes back: another one changed meanwhile keeps its new state.
      const now = client.getQueryData<NotificationPreferences>(notificationKeys.preferences);
      const was = context?.before?.kinds.find((row) => row.kind === kind)?.[channel];
      if (now && was !== undefined) {
        client.setQueryData(notificationKeys.preferences, switched(now, kind, channel, was));
      }
    },
    onSuccess: (answer: NotificationPreferences, { kind }) => {
      // The answer's row for this kind is the truth; the others may have newer switches in flight.
      const now = client.getQueryData<NotificationPreferences>(notificationKeys.preferences);
      const row = answer.kinds.find((item) => item.kind === kind);
      if (now && row) {
        client.setQueryData(notificationKeys.preferences, {
          ...now,
          kinds: now.kinds.map((item) => (item.kind === kind ? row : item)),
        });
      }
    },
  });
}

export function useLinkTelegram() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (chatId: string): Promise<NotificationPreferences> =>
      unwrap(api.PUT("/api/notifications/telegram", { body: { chat_id: chatId } })),
    onSuccess: (answer) => client.setQueryData(notificationKeys.preferences, answer),
  });
}

export function useUnlinkTelegram() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await unwrap(api.DELETE("/api/notifications/telegram"));
    },
    onSuccess: () => {
      const now = client.getQueryData<NotificationPreferences>(notificationKeys.preferences);
      if (now) {
        client.setQueryData(notificationKeys.preferences, { ...now, telegram_chat_id: null });
      }
    },
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.preferences }),
  });
}

/** The user's notifications, newest first, a page at a time ("Load more"); read again every
 * few seconds while one of them is still pending. */
export function useNotificationHistory() {
  const { user } = useSession();
  return useInfiniteQuery({
    queryKey: notificationKeys.history,
    enabled: !!user,
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }): Promise<HistoryPage> =>
      unwrap(
        api.GET("/api/notifications/history", {
          params: { query: { limit: PAGE, before: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor,
    refetchInterval: (query) => {
      const data = query.state.data as InfiniteData<HistoryPage> | undefined;
      const pending = data?.pages.some((page) =>
        page.items.some((item) => item.status === "pending"),
      );
      return pending ? 5_000 : false;
    },
  });
}
