import type { Context } from 'fabric-contract-api';
import { canonicalBytes } from '../canonical-json';
import { corruptState } from '../errors';
import { readToEnd, scanRecords } from '../ledger-state';
import { StateBatch } from '../peer-batching';
import {
  Grant,
  GRANT_BY_ORGANISATION,
  GRANT_BY_PAIR,
  GRANT_LISTED,
  GRANT_ORGANISATION_LIST,
  GRANT_PAIR_LIST,
  granteeOf,
} from './grant';

/**
 * The grant lists: a patient's grants to one doctor (GRANT_PAIR_LIST) and to one hospital
 * or its care team (GRANT_ORGANISATION_LIST), each under one key, so that a check in a
 * submitted transaction (an opening above all) reads them in point reads that a
 * GET_STATE_MULTIPLE fetches together, where a range read of the copies would be run
 * again by every peer at validation. A patient's lists are complete once GRANT_LISTED is
 * written for them; before that, the readers fall back on the range reads of the copies.
 */

export function pairListKey(ctx: Context, patientId: string, doctorId: string): string {
  return ctx.stub.createCompositeKey(GRANT_PAIR_LIST, [patientId, doctorId]);
}

export function organisationListKey(ctx: Context, patientId: string, mspId: string): string {
  return ctx.stub.createCompositeKey(GRANT_ORGANISATION_LIST, [patientId, mspId]);
}

export function listedKey(ctx: Context, patientId: string): string {
  return ctx.stub.createCompositeKey(GRANT_LISTED, [patientId]);
}

/**
 * The keys the grant readers read for an opening of `patientId`'s report by `doctor`: the
 * patient's mark, the pair's list and the list of the doctor's hospital, to fetch in one
 * message (StateBatch.prefetch).
 */
export function openingListKeys(ctx: Context, patientId: string, doctor: { uid: string; mspId: string }): string[] {
  return [
    listedKey(ctx, patientId),
    pairListKey(ctx, patientId, doctor.uid),
    organisationListKey(ctx, patientId, doctor.mspId),
  ];
}

/** One list of grants: where it lies, the copies it lists, and which grants belong in it. */
interface ListSpec {
  key: string;
  copies: { objectType: string; attributes: [string, string] };
  belongs: (grant: Grant) => boolean;
}

function pairList(ctx: Context, patientId: string, doctorId: string): ListSpec {
  return {
    key: pairListKey(ctx, patientId, doctorId),
    copies: { objectType: GRANT_BY_PAIR, attributes: [patientId, doctorId] },
    belongs: (grant) => grant.patientId === patientId && grant.granteeKind === 'doctor' && grant.doctorId === doctorId,
  };
}

function organisationList(ctx: Context, patientId: string, mspId: string): ListSpec {
  return {
    key: organisationListKey(ctx, patientId, mspId),
    copies: { objectType: GRANT_BY_ORGANISATION, attributes: [patientId, mspId] },
    belongs: (grant) => grant.patientId === patientId && grant.granteeKind !== 'doctor' && grant.granteeMspId === mspId,
  };
}

/** The list a grant belongs in: its pair's for a grant to a doctor, its patient's and hospital's otherwise. */
function listOf(ctx: Context, grant: Grant): ListSpec {
  const grantee = granteeOf(grant);
  return grantee.kind === 'doctor'
    ? pairList(ctx, grant.patientId, grantee.doctorId)
    : organisationList(ctx, grant.patientId, grantee.mspId);
}

/** Every grant a patient ever gave a doctor (consent and emergency), in grant ID order. */
export function listedGrantsOfPair(ctx: Context, patientId: string, doctorId: string): Promise<Grant[]> {
  return readList(ctx, patientId, pairList(ctx, patientId, doctorId));
}

/** Every grant a patient ever gave a hospital as a whole or its care team, in grant ID order. */
export function listedGrantsOfOrganisation(ctx: Context, patientId: string, mspId: string): Promise<Grant[]> {
  return readList(ctx, patientId, organisationList(ctx, patientId, mspId));
}

/**
 * A list's grants: one point read when it is stored; none (one more point read, of the
 * patient's mark) when it is absent and the patient's grants are listed; else, for a
 * patient whose grants were all written before the lists, the range read of the copies.
 * Each way the reads stay in the read set: a grant change committed meanwhile rewrites the
 * list (or creates it and the mark, and a copy in the range), and invalidates the reader.
 */
async function readList(ctx: Context, patientId: string, list: ListSpec): Promise<Grant[]> {
  const stored = await ctx.stub.getState(list.key);
  if (stored.length > 0) return storedList(stored, list);
  if ((await ctx.stub.getState(listedKey(ctx, patientId))).length > 0) return [];
  return scanRecords(ctx, list.copies.objectType, list.copies.attributes, Grant.fromState);
}

function storedList(bytes: Uint8Array, list: ListSpec): Grant[] {
  const grants = Grant.listFromState(bytes);
  if (!grants.every(list.belongs)) throw corruptState('a grant list holds a grant of another grantee');
  return grants;
}

/**
 * Puts a grant just written (new, or a new version of one: revoked, reviewed) in its list,
 * in grant ID order, replacing the version listed: one point read of the patient's mark
 * and of the list, fetched together, and one write. The patient's first grant write since
 * the lists exist (no mark yet) lists every grant of the patient first, from the range
 * reads of all of the patient's copies, and writes every list and the mark.
 */
export async function listGrant(ctx: Context, grant: Grant): Promise<void> {
  const list = listOf(ctx, grant);
  const marker = listedKey(ctx, grant.patientId);
  await StateBatch.prefetch(ctx, [marker, list.key]);
  const listed = (await ctx.stub.getState(marker)).length > 0;
  const lists = listed ? new Map<string, Grant[]>() : await listsFromCopies(ctx, grant.patientId);
  if (listed) {
    const stored = await ctx.stub.getState(list.key);
    lists.set(list.key, stored.length > 0 ? storedList(stored, list) : []);
  }
  const others = (lists.get(list.key) ?? []).filter((listedGrant) => listedGrant.grantId !== grant.grantId);
  lists.set(list.key, [...others, grant].sort(byGrantId));
  for (const [key, grants] of lists) await ctx.stub.putState(key, canonicalBytes(grants));
  if (!listed)
    await ctx.stub.putState(marker, canonicalBytes({ patientId: grant.patientId, txId: ctx.stub.getTxID() }));
}

/** Every list of a patient's grants, by key, from the copies (two range reads), each in grant ID order. */
async function listsFromCopies(ctx: Context, patientId: string): Promise<Map<string, Grant[]>> {
  const lists = new Map<string, Grant[]>();
  const sources = [
    { objectType: GRANT_BY_PAIR, spec: (grantee: string) => pairList(ctx, patientId, grantee) },
    { objectType: GRANT_BY_ORGANISATION, spec: (grantee: string) => organisationList(ctx, patientId, grantee) },
  ];
  for (const { objectType, spec } of sources) {
    const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, [patientId]);
    const copies = await readToEnd(iterator, (entry) => ({
      grantee: ctx.stub.splitCompositeKey(entry.key).attributes[1],
      grant: Grant.fromState(entry.value),
    }));
    for (const { grantee, grant } of copies) {
      const list = spec(grantee);
      if (!list.belongs(grant)) throw corruptState(`the copy of grant ${grant.grantId} lies under another grantee`);
      lists.set(list.key, [...(lists.get(list.key) ?? []), grant]);
    }
  }
  return lists;
}

/** Grant ID order, as the copies' keys sort (IDs are lower-case UUIDs: code units are bytes). */
const byGrantId = (a: Grant, b: Grant): number => (a.grantId < b.grantId ? -1 : a.grantId > b.grantId ? 1 : 0);
