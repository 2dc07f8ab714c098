import type { UseInfiniteQueryResult, InfiniteData } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Button, EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import type { EventPage } from "../model/types";
import { EventCard } from "./EventCard";

/** A paged list of event cards with "show more", its loading, empty and error states. */
export function EventList({
  query,
  empty,
  paged = true,
}: {
  query: UseInfiniteQueryResult<InfiniteData<EventPage>>;
  empty: string;
  /** false: the first page only (the main page's live section links to /live instead). */
  paged?: boolean;
}) {
  const { t } = useTranslation("events");
  if (query.isPending) return <Skeleton lines={5} height="5.5rem" />;
  if (query.isError)
    return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  const events = query.data.pages.flatMap((page) => page.events);
  const total = query.data.pages[0]?.total ?? 0;
  if (events.length === 0) return <EmptyState>{empty}</EmptyState>;
  return (
    <>
      <div className="events-list">
        {events.map((event) => (
          <EventCard key={event.event_id} event={event} />
        ))}
      </div>
      {paged && query.hasNextPage ? (
        <div className="events-more-row">
          <Button
            variant="secondary"
            busy={query.isFetchingNextPage}
            onClick={() => void query.fetchNextPage()}
          >
            {t("showMore", { shown: events.length, total })}
          </Button>
        </div>
      ) : null}
    </>
  );
}
