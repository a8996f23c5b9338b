// First start: the organization, the first administrator (credentials printed once) and, with
// --demo, the contoso.com demo directory. Everything after the organization itself is created
// through cmdlets as the built-in local administrator, so it is audited like any other change.
import { CmdletHost } from '../cmdlets/runner.ts';
import { generatePassword } from '../services/credentials.ts';
import { initializeOrganization, localAdministrator, openRuntime } from '../services/organization.ts';
import type { Runtime } from '../services/context.ts';
import type { Store } from '../store/store.ts';

export interface CreatedAccount {
  login: string;
  password: string;
  role: string;
}

export interface BootstrapResult {
  runtime: Runtime;
  /** Accounts created now, with their passwords (empty when the organization already existed). */
  created: CreatedAccount[];
}

export const demoDomain = 'contoso.com';

export async function bootstrap(store: Store, options: { domain?: string; demo: boolean; demoPassword?: string }): Promise<BootstrapResult> {
  const domain = options.domain ?? (options.demo ? demoDomain : 'deputy.local');
  const { created } = await initializeOrganization(store, { domain });
  const runtime = await openRuntime(store);
  if (!created) return { runtime, created: [] };
  const host = new CmdletHost(runtime, localAdministrator(runtime));
  const accounts: CreatedAccount[] = [];
  const password = () => options.demoPassword ?? generatePassword();
  const d = runtime.organization.defaultDomain;

  const adminPassword = password();
  await host.invoke('New-Mailbox', { Name: 'admin', DisplayName: 'Administrator', PrimarySmtpAddress: `admin@${d}`, Password: adminPassword });
  await host.invoke('Add-RoleGroupMember', { Identity: 'Organization Management', Member: `admin@${d}` });
  accounts.push({ login: `admin@${d}`, password: adminPassword, role: 'Organization Management' });
  if (!options.demo) return { runtime, created: accounts };

  const mailbox = async (name: string, displayName: string, department: string) => {
    const pw = password();
    await host.invoke('New-Mailbox', { Name: name, DisplayName: displayName, PrimarySmtpAddress: `${name}@${d}`, Password: pw });
    await host.invoke('Set-User', { Identity: `${name}@${d}`, Department: department });
    return pw;
  };
  const helpdeskPassword = await mailbox('helpdesk', 'Help Desk', 'IT');
  await host.invoke('Add-RoleGroupMember', { Identity: 'Recipient Management', Member: `helpdesk@${d}` });
  accounts.push({ login: `helpdesk@${d}`, password: helpdeskPassword, role: 'Recipient Management' });
  accounts.push({ login: `alice@${d}`, password: await mailbox('alice', 'Alice Anders', 'Sales'), role: 'mailbox, Sales' });
  accounts.push({ login: `bob@${d}`, password: await mailbox('bob', 'Bob Berg', 'Sales'), role: 'mailbox, Sales' });
  accounts.push({ login: `carol@${d}`, password: await mailbox('carol', 'Carol Cruz', 'Finance'), role: 'mailbox, Finance' });
  const svcPassword = password();
  await host.invoke('New-User', { Name: 'svc', DisplayName: 'Service account', UserPrincipalName: `svc@${d}`, Password: svcPassword });
  accounts.push({ login: `svc@${d}`, password: svcPassword, role: 'service account, no mailbox' });
  await host.invoke('New-DistributionGroup', { Name: 'sales', DisplayName: 'Sales', Type: 'Security', PrimarySmtpAddress: `sales@${d}`, Members: [`alice@${d}`, `bob@${d}`] });
  return { runtime, created: accounts };
}
