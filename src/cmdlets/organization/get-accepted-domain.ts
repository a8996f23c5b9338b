// Get-AcceptedDomain: the domains this organization accepts mail for.
import { defineCmdlet } from '../define.ts';
import { withDisplayColumns } from '../host.ts';

export default defineCmdlet({
  name: 'Get-AcceptedDomain',
  synopsis: 'Shows the accepted domains.',
  parameters: [{ name: 'Identity', type: 'String', position: 0 }],
  async run(op, p) {
    const wanted = p.string('Identity')?.toLowerCase();
    const domains = (await op.tx.listAcceptedDomains()).filter((d) => !wanted || d.domainName === wanted);
    return domains.map((d) =>
      withDisplayColumns({ Name: d.domainName, DomainName: d.domainName, DomainType: 'Authoritative', Default: d.isDefault, Identity: d.domainName }, ['Name', 'DomainName', 'DomainType', 'Default']),
    );
  },
});
