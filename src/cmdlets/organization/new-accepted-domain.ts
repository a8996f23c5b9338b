// New-AcceptedDomain: adds an authoritative domain that addresses may use.
import { DeputyError } from '../../core/errors.ts';
import { defineCmdlet } from '../define.ts';
import { withDisplayColumns } from '../host.ts';

const domainPattern = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export default defineCmdlet({
  name: 'New-AcceptedDomain',
  synopsis: 'Adds an accepted (authoritative) domain.',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, position: 0 },
    { name: 'DomainName', type: 'String', mandatory: true },
    { name: 'DomainType', type: 'String', values: ['Authoritative'] },
  ],
  async run(op, p) {
    const domain = p.string('DomainName')!.trim().toLowerCase();
    if (!domainPattern.test(domain)) throw new DeputyError('InvalidArgument', `'${domain}' isn't a valid domain name.`);
    const existing = await op.tx.listAcceptedDomains();
    if (existing.some((d) => d.domainName === domain)) throw new DeputyError('AlreadyExists', `The accepted domain '${domain}' already exists.`);
    await op.tx.putAcceptedDomain({ domainName: domain, isDefault: false });
    return [withDisplayColumns({ Name: domain, DomainName: domain, DomainType: 'Authoritative', Default: false, Identity: domain }, ['Name', 'DomainName', 'DomainType', 'Default'])];
  },
});
