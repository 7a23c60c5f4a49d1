import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

/** A small history router: the URL is the state, `navigate` changes it, `useLocation` reads it. */

const CHANGE = "ci:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  path: string;
  query: URLSearchParams;
  /** Path and query, as in the address bar. */
  href: string;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, query: url.searchParams, href };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(CHANGE));
}

/** Replaces the query of the current path; empty values are left out. */
export function setQuery(values: Record<string, string | string[] | null | undefined>): void {
  const params = new URLSearchParams(window.location.search);
  for (const [name, value] of Object.entries(values)) {
    params.delete(name);
    if (Array.isArray(value)) for (const v of value) params.append(name, v);
    else if (value) params.set(name, value);
  }
  const search = params.toString();
  navigate(window.location.pathname + (search ? `?${search}` : ""), { replace: true });
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * `/accounts/:id/:page` → `{ id, page }`, or null when the path does not match. A `:name`
 * is one segment, decoded (an encoded `/` stays inside it); `*` is the rest of the path as
 * it stands, still encoded, for a further `matchPath`.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] as string;
    if (part === "*") {
      params["*"] = got.slice(i).join("/");
      return params;
    }
    const value = got[i];
    if (value === undefined) return null;
    if (part.startsWith(":")) {
      const decoded = value ? decodeSegment(value) : null;
      if (decoded === null) return null;
      params[part.slice(1)] = decoded;
    } else if (part !== value) return null;
  }
  return want.length === got.length ? params : null;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An ordinary link that the router follows without a page load (new tabs work as usual). */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
    window.scrollTo(0, 0);
  };
  return <a href={to} onClick={follow} {...rest} />;
}
