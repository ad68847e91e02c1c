import { describe, expect, it } from "vitest";
import { checkUploadSize } from "../../../functions/worker/upload-size.js";
import { BadInputError } from "../../../shared/errors.js";

describe("checkUploadSize", () => {
  it("lets an upload up to the limit through", () => {
    expect(() => checkUploadSize("uploads/a.png", 1000, 1000)).not.toThrow();
    expect(() => checkUploadSize("uploads/a.png", undefined, 1000)).not.toThrow();
  });

  it("refuses a larger one as bad input naming its size, the limit and the setting to change", () => {
    const check = () => checkUploadSize("uploads/big.png", 300 * 1024 * 1024, 256 * 1024 * 1024);
    expect(check).toThrow(BadInputError);
    expect(check).toThrow(
      'the upload "uploads/big.png" is 314572800 bytes (300.0 MiB), over the worker\'s limit of 268435456 bytes ' +
        "(256.0 MiB); upload a smaller image, or raise CNN_LENS_MAX_UPLOAD_BYTES",
    );
  });
});
