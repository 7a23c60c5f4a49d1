import { type RawBuilder, sql } from "kysely";

/** Whose word a cancellation's reason is; null when nobody gave one. */
export type ReasonSource = "owner" | "answer" | "provider";

/**
 * The reason of a cancellation's newest linked answer (skips give none), for the
 * cancellation row aliased `alias`.
 */
export function answerReasonOf(alias: string): RawBuilder<string | null> {
  return sql<string | null>`(select e.reason_id
    from cancellation_answers l
    join events e on e.account_id = l.account_id and e.id = l.event_id
    where l.account_id = ${sql.ref(`${alias}.account_id`)}
      and l.cancellation_id = ${sql.ref(`${alias}.id`)} and e.kind = 'answer'
    order by e.created_at desc, e.id desc
    limit 1)`;
}

/**
 * The reason a cancellation is put down to, everywhere it counts: the owner's correction
 * wins (they know the customer), then the newest linked answer (the customer's own word),
 * then the reason the provider's feedback maps to.
 */
export function effectiveReasonOf(alias: string): RawBuilder<string | null> {
  return sql<string | null>`coalesce(${sql.ref(`${alias}.owner_reason_id`)},
    ${answerReasonOf(alias)}, ${sql.ref(`${alias}.reason_id`)})`;
}

/** Where `effectiveReasonOf` took the reason from, by the same order. */
export function reasonSourceOf(alias: string): RawBuilder<ReasonSource | null> {
  return sql<ReasonSource | null>`case
    when ${sql.ref(`${alias}.owner_reason_id`)} is not null then 'owner'
    when ${answerReasonOf(alias)} is not null then 'answer'
    when ${sql.ref(`${alias}.reason_id`)} is not null then 'provider'
  end`;
}
