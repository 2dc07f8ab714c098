/** Reports over the wallet API. Keys start with ["wallet", "reports"]. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import { anyInProgress, type ExportRequest, type Report } from "../model/reports";

export const reportKeys = {
  list: ["wallet", "reports", "list"] as const,
};

/** Poll every few seconds while a report is being made; otherwise now and then, because each
 * answer carries fresh download links that stop working after 15 minutes. */
const POLL_PENDING_MS = 3_000;
const REFRESH_LINKS_MS = 5 * 60_000;

export function useReports() {
  return useQuery({
    queryKey: reportKeys.list,
    queryFn: async () => {
      const body = await unwrap(
        api.GET("/api/wallet/reports", { params: { query: { limit: 5 } } }),
      );
      return (body as unknown as { reports: Report[] }).reports;
    },
    refetchInterval: (query) =>
      anyInProgress(query.state.data ?? []) ? POLL_PENDING_MS : REFRESH_LINKS_MS,
    refetchOnWindowFocus: true,
  });
}

export function useExport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (request: ExportRequest) => {
      const body = await unwrap(api.POST("/api/wallet/export", { body: request }));
      return (body as unknown as { report: Report }).report;
    },
    onSuccess: (report) => {
      client.setQueryData<Report[]>(reportKeys.list, (list) => [
        report,
        ...(list ?? []).filter((item) => item.report_id !== report.report_id),
      ]);
      void client.invalidateQueries({ queryKey: reportKeys.list });
    },
  });
}
