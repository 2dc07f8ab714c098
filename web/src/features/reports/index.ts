// Reports: the export panel (CSV/PDF for a period, the user's reports and their download links).
export { ExportPanel } from "./components/ExportPanel";
