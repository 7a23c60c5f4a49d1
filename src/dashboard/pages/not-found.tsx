import { useEffect } from "react";
import { Link } from "../router.js";
import "./auth.css";

export function NotFoundPage({ home, inShell = false }: { home: string; inShell?: boolean }) {
  useEffect(() => {
    document.title = "Not found · Cancel Insights";
  }, []);
  const body = (
    <>
      <h1>Page not found</h1>
      <p>This page does not exist, or belongs to an account you are not a member of.</p>
      <p>
        <Link to={home}>Go to your insights</Link>
      </p>
    </>
  );
  if (inShell) return <div className="page">{body}</div>;
  return (
    <div className="auth">
      <main id="main" className="auth-card">
        {body}
      </main>
    </div>
  );
}
