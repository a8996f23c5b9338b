// Parameters and helpers shared by the recipient cmdlets: -Filter (OPATH), attribute parameters.
import type { Recipient } from '../../core/directory/recipient.ts';
import { customAttributeNames } from '../../core/directory/recipient.ts';
import { compileRecipientQuery } from '../../core/rbac/scope-filter.ts';
import { DeputyError } from '../../core/errors.ts';
import type { Operation } from '../../services/context.ts';
import type { BoundParameters } from '../binding.ts';
import type { ParameterSpec } from '../host.ts';

export const filterParameter: ParameterSpec = { name: 'Filter', type: 'String', typeName: 'String (OPATH filter)' };

export function applyFilter(op: Operation, list: Recipient[], p: BoundParameters): Recipient[] {
  const filter = p.string('Filter');
  if (!filter) return list;
  const predicate = compileRecipientQuery(op.model, filter);
  return list.filter((r) => predicate({ recipient: r, memberOf: op.model.directMemberOf(r.guid) }));
}

export function filterByTypeDetails(list: Recipient[], p: BoundParameters): Recipient[] {
  const wanted = p.strings('RecipientTypeDetails').map((t) => t.toLowerCase());
  return wanted.length ? list.filter((r) => wanted.includes(r.typeDetails.toLowerCase())) : list;
}

export const customAttributeParameters: ParameterSpec[] = customAttributeNames.map((name) => ({ name, type: 'String' }));

export const userAttributeParameters: ParameterSpec[] = [
  'FirstName', 'LastName', 'Department', 'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'PostalCode', 'CountryOrRegion', 'Manager',
].map((name) => ({ name, type: 'String' }));

/** Attribute parameters that were given; '' or $null clears the attribute. */
export function attributesFrom(p: BoundParameters, specs: readonly ParameterSpec[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const spec of specs) if (p.has(spec.name)) out[spec.name] = p.string(spec.name) ?? '';
  if (out.CountryOrRegion && !/^[A-Za-z]{2}$/.test(out.CountryOrRegion)) {
    throw new DeputyError('InvalidArgument', `CountryOrRegion takes an ISO 3166 two-letter code (for example 'US' or 'FR'), not '${out.CountryOrRegion}'.`);
  }
  if (out.CountryOrRegion) out.CountryOrRegion = out.CountryOrRegion.toUpperCase();
  return Object.keys(out).length ? out : undefined;
}

/** Writes to a recipient are scoped: the caller's assignment must reach it (and exclusive scopes apply). */
export function requireWriteAccess(op: Operation, cmdlet: string, target: Recipient, p: BoundParameters): void {
  const decision = op.authorizer.decide(op.caller.guid, cmdlet, target, { parameters: p.names() });
  if (!decision.allowed) {
    throw new DeputyError('AccessDenied', `The operation couldn't be performed because '${target.name}' is outside your write scope. ${decision.reason}`, { errorId: 'OutOfWriteScope' });
  }
}
