import { describe, expect, it } from "vitest";
import { deviceOf } from "./device";

describe("deviceOf", () => {
  it("names the browser and the system", () => {
    const chrome =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    expect(deviceOf(chrome)).toEqual({ browser: "Chrome", system: "Linux" });
    const iphone =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1";
    expect(deviceOf(iphone)).toEqual({ browser: "Safari", system: "iOS" });
    expect(deviceOf("Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/133.0")).toEqual({
      browser: "Firefox",
      system: "Windows",
    });
    expect(deviceOf(null)).toEqual({ browser: null, system: null });
  });
});
