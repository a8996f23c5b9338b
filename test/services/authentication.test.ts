// Sign-in with passwords: right and wrong credentials, disabled accounts, and the throttle that
// stops guessing after repeated failures (even the right password waits until the window moves on).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.ts';
import { demoPassword, openDemo, type DemoOrganization } from '../helpers/deputy.ts';
import { Authenticator, FailedSignInThrottle } from '../../src/services/authentication.ts';
import { DeputyError } from '../../src/core/errors.ts';

const sqlite = storeTargets().find((t) => t.name === 'sqlite')!;

describe('password sign-in', () => {
  let org: DemoOrganization;
  before(async () => {
    org = await openDemo(sqlite);
  });
  after(() => org?.close());

  const reason = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return 'ok';
    } catch (error) {
      assert.ok(error instanceof DeputyError);
      assert.equal(error.code, 'AuthenticationFailed');
      return String(error.details.reason ?? 'failed');
    }
  };

  it('accepts the UPN or any SMTP address with the right password, and refuses anything else alike', async () => {
    const auth = new Authenticator(org.runtime);
    assert.equal((await auth.verifyPassword('alice@contoso.com', demoPassword)).name, 'alice');
    assert.equal(await reason(auth.verifyPassword('alice@contoso.com', 'wrong')), 'failed');
    assert.equal(await reason(auth.verifyPassword('nobody@contoso.com', demoPassword)), 'failed');
    await org.runOk('admin@contoso.com', 'Set-User bob -AccountDisabled $true');
    assert.equal(await reason(auth.verifyPassword('bob@contoso.com', demoPassword)), 'failed');
  });

  it('throttles a login after repeated failures, then lets it in once the window has passed', async () => {
    const throttle = new FailedSignInThrottle(3, 60_000);
    const auth = new Authenticator(org.runtime, throttle);
    for (let i = 0; i < 3; i++) assert.equal(await reason(auth.verifyPassword('carol@contoso.com', `guess${i}`)), 'failed');
    assert.equal(await reason(auth.verifyPassword('carol@contoso.com', demoPassword)), 'Throttled');
    assert.equal(await reason(auth.verifyPassword('CAROL@contoso.com', demoPassword)), 'Throttled');
    // Other logins are not affected.
    assert.equal(await reason(auth.verifyPassword('alice@contoso.com', demoPassword)), 'ok');
    // Once the window has passed, the login may try again.
    assert.ok(throttle.retryAfter('carol@contoso.com') > 0);
    assert.equal(throttle.retryAfter('carol@contoso.com', Date.now() + 61_000), 0);
  });
});
