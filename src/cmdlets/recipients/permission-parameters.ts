// The parameters Add-, Get- and Remove-RecipientPermission share, as Exchange Online declares them.
import { recipientAccessRights } from '../../store/store.ts';
import type { ParameterSpec } from '../host.ts';

export const trusteeParameter = (mandatory: boolean): ParameterSpec => ({ name: 'Trustee', type: 'String', mandatory, typeName: 'SecurityPrincipalIdParameter' });

/** Only SendAs exists; the ValidateSet-style check in binding rejects anything else with PowerShell's wording. */
export const accessRightsParameter = (mandatory: boolean): ParameterSpec => ({
  name: 'AccessRights',
  type: 'String',
  mandatory,
  values: recipientAccessRights,
  typeName: 'MultiValuedProperty`1[RecipientAccessRight]',
});
