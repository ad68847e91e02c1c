import { describe, expect, it } from "vitest";
import { presignExpiryWarning } from "../../cli/report.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const inHours = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);

describe("presignExpiryWarning", () => {
  it("warns, naming --expires and the credentials' expiry, when the credentials expire before the links", () => {
    const warning = presignExpiryWarning({ expiration: inHours(1) }, 7 * 24 * 3600, NOW);
    expect(warning).toMatch(/--expires 604800/);
    expect(warning).toContain("2026-03-08T12:00:00.000Z");
    expect(warning).toContain("expire at 2026-03-01T13:00:00.000Z");
  });

  it("says nothing for long-lived credentials or ones that outlast the links", () => {
    expect(presignExpiryWarning({}, 7 * 24 * 3600, NOW)).toBeUndefined();
    expect(presignExpiryWarning({ expiration: inHours(2) }, 3600, NOW)).toBeUndefined();
    expect(presignExpiryWarning({ expiration: inHours(1) }, 3600, NOW)).toBeUndefined();
  });
});
