import type { FastifyReply, FastifyRequest } from "fastify";
import type { WidgetLogoInfo } from "../db/repositories/widget-logos.js";
import type { WidgetLogo } from "../db/schema.js";
import { AppError } from "../errors.js";
import { isFresh } from "./http-cache.js";

/** Plenty for a header logo of 32 px (64 px on sharp screens); small enough to keep in a row. */
export const LOGO_MAX_BYTES = 256 * 1024;

/*
 * PNG, JPEG and WebP only. SVG is refused rather than served under a locked-down policy:
 * an SVG is a document that may carry script and outside references, so one header lost on
 * the way (a proxy, a CDN, a future route serving it inline) would make it stored script
 * on the dashboard's origin; and being text, it has no magic bytes to recognise it by.
 * A raster logo at twice its shown size looks just as sharp in a 32 px header.
 */
const FORMATS: { type: string; matches(b: Buffer): boolean }[] = [
  {
    type: "image/png",
    // The signature, then the header chunk every PNG must start with.
    matches: (b) =>
      b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) &&
      b.toString("latin1", 12, 16) === "IHDR",
  },
  { type: "image/jpeg", matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: "image/webp",
    matches: (b) =>
      b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 15) === "WEBPVP8",
  },
];

/**
 * The image's real type, read from its first bytes: the declared Content-Type or file name
 * is the uploader's claim and decides nothing.
 */
export function logoTypeOf(bytes: Buffer): string {
  const format = FORMATS.find((f) => f.matches(bytes));
  if (!format) {
    throw new AppError(
      "unsupported_media_type",
      "The logo must be a PNG, JPEG or WebP image (SVG is not accepted).",
      { field: "logo" },
    );
  }
  return format.type;
}

export function logoTooLarge(): AppError {
  return new AppError("body_too_large", `The logo is larger than ${LOGO_MAX_BYTES / 1024} KB.`, {
    field: "logo",
  });
}

/**
 * Where customers' browsers load the logo: named by the embed token (public already, unlike
 * the account id) and the image's hash, so it can be cached for good.
 */
export function publicLogoUrl(publicUrl: string, accessTokenId: string, hash: string): string {
  return `${publicUrl}/api/widget/logos/${encodeURIComponent(accessTokenId)}/${hash}`;
}

/** The logo as the dashboard shows it: from its own origin, behind the session. */
export function toApiLogo(accountId: string, logo: WidgetLogoInfo | undefined) {
  if (!logo) return null;
  return {
    url: `/api/accounts/${encodeURIComponent(accountId)}/widget-settings/logo?v=${logo.hash}`,
    content_type: logo.content_type,
    size: logo.size,
  };
}

/**
 * The stored bytes under the type they were recognised as. The policy and nosniff keep the
 * file an image even when opened on its own: nothing in it may run or load anything.
 */
export function sendLogo(
  request: FastifyRequest,
  reply: FastifyReply,
  logo: WidgetLogo,
): FastifyReply {
  const etag = `"${logo.hash}"`;
  reply
    .header("etag", etag)
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "default-src 'none'");
  if (isFresh(request, etag)) return reply.status(304).send();
  const { image } = logo;
  return reply
    .header("content-type", logo.content_type)
    .send(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
}
