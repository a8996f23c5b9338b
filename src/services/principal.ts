// Who an authenticated request acts as: a user (Basic or a delegated token) or an application
// (an app-only token for a service principal).

export type Principal =
  | {
      kind: 'user';
      /** Recipient guid of the user. */
      guid: string;
      /** UPN, for audit. */
      name: string;
      authMethod: 'Basic' | 'Bearer';
      /** Delegated scopes (scp) when authenticated with a token. */
      scopes: string[];
    }
  | {
      kind: 'app';
      /** Recipient guid of the service principal. */
      guid: string;
      appId: string;
      /** Display name, for audit. */
      name: string;
      authMethod: 'Bearer';
      /** Application permissions (roles claim) in the token. Access is still decided by RBAC. */
      roles: string[];
    };
