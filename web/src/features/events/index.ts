import type { RouteObject } from "react-router";
// The landing page ships in the first bundle (~6 kB gzipped): loaded lazily, it cost the first
// visit a round trip after the script had run, before its data could even be asked for.
import * as MainPage from "./pages/MainPage";

export const routes: RouteObject[] = [
  { index: true, Component: MainPage.Component },
  { path: "live", lazy: () => import("./pages/LivePage") },
  { path: "events/:eventId", lazy: () => import("./pages/EventPage") },
];
