import { describe, expect, it } from "vitest";
import { objectLocation, presignGetUrl } from "../../shared/storage/presigned-url.js";

// The example of "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)" in the S3 API
// reference, with its published signature.
const AWS_EXAMPLE = {
  location: { origin: "https://examplebucket.s3.amazonaws.com", path: "/test.txt" },
  region: "us-east-1",
  credentials: {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  },
  expiresSeconds: 86400,
  now: new Date("2013-05-24T00:00:00Z"),
};

describe("presignGetUrl", () => {
  it("reproduces the S3 documentation's example URL and signature", () => {
    expect(presignGetUrl(AWS_EXAMPLE)).toBe(
      "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
    );
  });

  it("encodes keys segment by segment and signs a session token into the query", () => {
    const url = new URL(
      presignGetUrl({
        ...AWS_EXAMPLE,
        location: objectLocation("b", "results/dir with space/é+(1).png/input.png", {
          region: "eu-west-1",
          endpoint: "http://127.0.0.1:4566/",
        }),
        credentials: { ...AWS_EXAMPLE.credentials, sessionToken: "token/+=" },
      }),
    );
    expect(url.origin).toBe("http://127.0.0.1:4566");
    expect(url.pathname).toBe("/b/results/dir%20with%20space/%C3%A9%2B%281%29.png/input.png");
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("token/+=");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("uses the regional virtual-hosted endpoint without an endpoint, and refuses an expiry over 7 days", () => {
    expect(objectLocation("bucket", "a/b.png", { region: "eu-west-1" })).toEqual({
      origin: "https://bucket.s3.eu-west-1.amazonaws.com",
      path: "/a/b.png",
    });
    expect(() => presignGetUrl({ ...AWS_EXAMPLE, expiresSeconds: 604801 })).toThrow(/from 1 to 604800/);
  });
});
