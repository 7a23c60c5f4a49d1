import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams, ResourceParams } from "../../contract/accounts.js";
import {
  type CampaignBody,
  CampaignBody as CampaignBodySchema,
  CampaignPreviewBody,
  CampaignPreviewReply,
  CampaignReply,
  CampaignSettingsBody,
  CampaignSettingsReply,
  CampaignsReply,
  CampaignTestSendBody,
  CampaignTestSendReply,
  EnrollmentsQuery,
  EnrollmentsReply,
} from "../../contract/campaigns.js";
import { DomainError } from "../../db/domain-error.js";
import type { CampaignInput } from "../../db/repositories/campaigns.js";
import { AppError } from "../../errors.js";
import { defaultSteps } from "../../mail/campaign-defaults.js";
import { campaignMessage, campaignValues } from "../../mail/campaign-message.js";
import { checkSteps } from "../../mail/campaign-template.js";
import { startCampaignTick } from "../../mail/campaign-tick.js";
import { emailSend } from "../../mail/send-email.js";
import { toApiCampaign, toApiEnrollment } from "../../presenters/campaigns.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";

/** The field a refusal of the storage layer is about. */
const REF_FIELDS: Partial<Record<DomainError["code"], string>> = {
  unknown_reason: "reason_ids",
  unknown_offer: "offer_id",
};

/** A body checked beyond its schema (templates), with the defaults filled in. */
function campaignInput(body: CampaignBody): CampaignInput {
  const steps = body.steps ?? defaultSteps();
  const offerId = body.offer_id ?? null;
  checkSteps(steps, offerId !== null);
  return {
    name: body.name,
    reason_ids: body.reason_ids,
    offer_id: offerId,
    steps,
    active: body.active ?? true,
  };
}

/** Runs a write, a refused reason or offer reported on its field. */
async function withRefFields<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DomainError && REF_FIELDS[error.code]) {
      throw new AppError(error.code, error.message, {
        field: REF_FIELDS[error.code],
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Win-back campaigns: owners write them (and the daily limit), preview a step and send a test;
 * members read them and their enrollments. Saving an active campaign starts the account's
 * tick (src/mail/campaign-tick.ts), which enrolls and sends.
 */
export async function campaignRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { repos } = app;
  const { campaigns } = repos;
  const { config } = app.services;

  async function campaignOf(accountId: string, id: string) {
    const campaign = await campaigns.find(accountId, id);
    if (!campaign) throw new AppError("not_found", "No campaign with this id.");
    return campaign;
  }

  app.get(
    "/campaigns",
    { schema: { params: AccountParams, response: { 200: CampaignsReply } } },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const [list, limit] = await Promise.all([
        campaigns.list(accountId),
        campaigns.dailyLimit(accountId),
      ]);
      return { campaigns: list.map(toApiCampaign), daily_limit: limit ?? 0 };
    },
  );

  app.post(
    "/campaigns",
    {
      onRequest: requireOwner,
      schema: {
        params: AccountParams,
        body: CampaignBodySchema,
        response: { 201: CampaignReply },
      },
    },
    async (request, reply) => {
      const accountId = membershipOf(request).account_id;
      const input = campaignInput(request.body);
      const campaign = await withRefFields(() => campaigns.create(accountId, input));
      if (campaign.active) await startCampaignTick(repos.db, accountId);
      return reply.status(201).send({ campaign: toApiCampaign(campaign) });
    },
  );

  app.get(
    "/campaigns/:id",
    { schema: { params: ResourceParams, response: { 200: CampaignReply } } },
    async (request) => ({
      campaign: toApiCampaign(
        await campaignOf(membershipOf(request).account_id, request.params.id),
      ),
    }),
  );

  app.put(
    "/campaigns/:id",
    {
      onRequest: requireOwner,
      schema: {
        params: ResourceParams,
        body: CampaignBodySchema,
        response: { 200: CampaignReply },
      },
    },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      await campaignOf(accountId, request.params.id);
      const input = campaignInput(request.body);
      const campaign = await withRefFields(() =>
        campaigns.update(accountId, request.params.id, input),
      );
      if (!campaign) throw new AppError("not_found", "No campaign with this id.");
      if (campaign.active) await startCampaignTick(repos.db, accountId);
      return { campaign: toApiCampaign(campaign) };
    },
  );

  app.delete(
    "/campaigns/:id",
    { onRequest: requireOwner, schema: { params: ResourceParams } },
    async (request, reply) => {
      const removed = await campaigns.remove(membershipOf(request).account_id, request.params.id);
      if (!removed) throw new AppError("not_found", "No campaign with this id.");
      return reply.status(204).send();
    },
  );

  app.patch(
    "/campaign-settings",
    {
      onRequest: requireOwner,
      schema: {
        params: AccountParams,
        body: CampaignSettingsBody,
        response: { 200: CampaignSettingsReply },
      },
    },
    async (request) => {
      await campaigns.setDailyLimit(membershipOf(request).account_id, request.body.daily_limit);
      return { daily_limit: request.body.daily_limit };
    },
  );

  app.post(
    "/campaigns/preview",
    {
      schema: {
        params: AccountParams,
        body: CampaignPreviewBody,
        response: { 200: CampaignPreviewReply },
      },
    },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const { step, cancellation_id: cancellationId } = request.body;
      const offerId = request.body.offer_id ?? null;
      checkSteps([step], offerId !== null, "step");
      const cancellation = cancellationId
        ? await repos.cancellations.get(accountId, cancellationId)
        : null;
      if (cancellation === undefined) {
        throw new AppError("not_found", "No cancellation with this id.", {
          field: "cancellation_id",
        });
      }
      const campaign = {
        account_id: accountId,
        offer_id: offerId,
        reason_ids: request.body.reason_ids ?? [],
      };
      // No email exists to unsubscribe from: the link shows where it would point.
      const unsubscribe = `${config.publicUrl}/u/preview`;
      const values = await campaignValues(repos, campaign, cancellation, unsubscribe);
      const { subject, text, html } = campaignMessage(step, values, "");
      return { subject, text, html };
    },
  );

  app.post(
    "/campaigns/:id/test-send",
    {
      onRequest: requireOwner,
      schema: {
        params: ResourceParams,
        body: CampaignTestSendBody,
        response: { 202: CampaignTestSendReply },
      },
    },
    async (request, reply) => {
      const accountId = membershipOf(request).account_id;
      const campaign = await campaignOf(accountId, request.params.id);
      const stepIndex = request.body.step_index ?? 0;
      if (!campaign.steps[stepIndex]) {
        throw new AppError("validation_error", "step_index names no step of this campaign.", {
          field: "step_index",
        });
      }
      const email = await repos.transaction(async (tx) => {
        const queued = await tx.emails.scheduleCampaignTest(
          accountId,
          campaign.id,
          stepIndex,
          request.body.to,
        );
        await emailSend.enqueue(tx.db, { emailId: queued.id }, { accountId, dedupeKey: queued.id });
        return queued;
      });
      return reply.status(202).send({ email_id: email.id });
    },
  );

  app.get(
    "/campaign-enrollments",
    {
      schema: {
        params: AccountParams,
        querystring: EnrollmentsQuery,
        response: { 200: EnrollmentsReply },
      },
    },
    async (request) => {
      const page = await campaigns.enrollments(
        membershipOf(request).account_id,
        request.query.campaign_id ? { campaignId: request.query.campaign_id } : {},
        { limit: request.query.limit ?? 50, cursor: request.query.cursor ?? null },
      );
      return {
        enrollments: page.enrollments.map(toApiEnrollment),
        next_cursor: page.nextCursor,
      };
    },
  );
}
