import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RoleService } from "../../src/auth/roles/index.js";
import { base32Decode, base32Encode } from "../../src/auth/users/base32.js";
import { OtpNotEnrolledError, UserService, type LoginResult } from "../../src/auth/users/index.js";
import {
  generateTotpSecret,
  hotp,
  matchTotp,
  totpCounter,
  totpUri,
} from "../../src/auth/users/totp.js";
import type { SecondFactor } from "../../src/config/index.js";
import { ManualClock, MemoryBackend } from "../helpers/memory-backend.js";

// RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890".
const RFC_SEED = Buffer.from("12345678901234567890", "ascii");
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

const at = (seconds: number): Date => new Date(seconds * 1000);
const codeAt = (secret: string, when: Date): string =>
  hotp(base32Decode(secret) ?? Buffer.alloc(0), totpCounter(when));

describe("base32 (RFC 4648)", () => {
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ];

  it("encodes the RFC's test vectors, without padding", () => {
    for (const [text, encoded] of vectors) {
      assert.equal(base32Encode(Buffer.from(text, "ascii")), encoded, text);
    }
    assert.equal(base32Encode(RFC_SEED), RFC_SECRET);
  });

  it("decodes them back, with or without padding and in either case", () => {
    for (const [text, encoded] of vectors) {
      assert.equal(base32Decode(encoded)?.toString("ascii"), text, encoded);
      assert.equal(base32Decode(encoded.toLowerCase())?.toString("ascii"), text, encoded);
    }
    assert.equal(base32Decode("MZXW6YTBOI======")?.toString("ascii"), "foobar");
  });

  it("refuses characters outside the alphabet", () => {
    assert.equal(base32Decode("MZXW1"), undefined);
    assert.equal(base32Decode("MZ W6"), undefined);
  });
});

describe("HOTP and TOTP", () => {
  it("gives RFC 4226's HOTP values", () => {
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922"];
    expected.forEach((code, counter) => assert.equal(hotp(RFC_SEED, counter), code, `${counter}`));
  });

  it("gives RFC 6238's SHA-1 values (8 digits, and their last 6)", () => {
    const vectors: [number, string][] = [
      [59, "94287082"],
      [1111111109, "07081804"],
      [1111111111, "14050471"],
      [1234567890, "89005924"],
      [2000000000, "69279037"],
      [20000000000, "65353130"],
    ];
    for (const [seconds, code] of vectors) {
      assert.equal(hotp(RFC_SEED, totpCounter(at(seconds)), 8), code, `T=${seconds}`);
      assert.equal(codeAt(RFC_SECRET, at(seconds)), code.slice(2), `T=${seconds}`);
      assert.equal(matchTotp(RFC_SECRET, code.slice(2), at(seconds)), totpCounter(at(seconds)));
    }
  });

  it("accepts the codes of one step before and after, and no further", () => {
    const now = at(1_700_000_015);
    const step = totpCounter(now);
    const secret = generateTotpSecret();
    assert.equal(matchTotp(secret, codeAt(secret, at(1_700_000_015 - 30)), now), step - 1);
    assert.equal(matchTotp(secret, codeAt(secret, now), now), step);
    assert.equal(matchTotp(secret, codeAt(secret, at(1_700_000_015 + 30)), now), step + 1);
    assert.equal(matchTotp(secret, codeAt(secret, at(1_700_000_015 - 60)), now), undefined);
    assert.equal(matchTotp(secret, codeAt(secret, at(1_700_000_015 + 60)), now), undefined);
  });

  it("refuses codes that are not 6 digits, and secrets that are not base32", () => {
    const now = at(59);
    assert.equal(matchTotp(RFC_SECRET, "94287082", now), undefined);
    assert.equal(matchTotp(RFC_SECRET, "28708", now), undefined);
    assert.equal(matchTotp(RFC_SECRET, " 287082", now), undefined);
    assert.equal(matchTotp("not base32!", "287082", now), undefined);
  });

  it("makes 20-byte base32 secrets, a new one each time", () => {
    const first = generateTotpSecret();
    assert.match(first, /^[A-Z2-7]{32}$/);
    assert.equal(base32Decode(first)?.length, 20);
    assert.notEqual(generateTotpSecret(), first);
  });

  it("writes the otpauth URI authenticator apps read", () => {
    assert.equal(
      totpUri(RFC_SECRET, "example.com", "alice@corp"),
      `otpauth://totp/example.com:alice%40corp?secret=${RFC_SECRET}&issuer=example.com`,
    );
  });
});

describe("UserService with a second factor", () => {
  const PASSWORD = "correct horse battery staple";

  async function setup() {
    const clock = new ManualClock("2024-05-01T12:00:10Z");
    const backend = new MemoryBackend({ now: clock.now });
    const roles = new RoleService(backend);
    await roles.ensurePresets();
    const users = (secondFactor: SecondFactor) =>
      new UserService(backend, {
        clusterName: "example.com",
        events: () => undefined,
        now: clock.now,
        roles,
        secondFactor,
      });
    return { clock, users };
  }

  const failed = (result: LoginResult): Error | undefined => (result.ok ? undefined : result.error);

  it("lets one of two logins with the same code through", async () => {
    const { clock, users } = await setup();
    const service = users("otp");
    const invite = await service.add({ name: "alice", roles: ["access"] });
    const { otpSecret = "" } = await service.getInvite(invite.inviteToken);
    await service.completeInvite(invite.inviteToken, PASSWORD, codeAt(otpSecret, clock.now()));
    clock.advance(30_000);
    const code = codeAt(otpSecret, clock.now());
    const results = await Promise.all([
      service.checkPassword("alice", PASSWORD, { otpToken: code }),
      service.checkPassword("alice", PASSWORD, { otpToken: code }),
    ]);
    assert.deepEqual(results.map((result) => result.ok).sort(), [false, true]);
  });

  it("tells a user added while the second factor was off how to enroll", async () => {
    const { users } = await setup();
    const before = users("off");
    const invite = await before.add({ name: "bob", roles: ["access"] });
    await before.completeInvite(invite.inviteToken, PASSWORD);
    const error = failed(await users("otp").checkPassword("bob", PASSWORD, { otpToken: "123456" }));
    assert.ok(error instanceof OtpNotEnrolledError);
    assert.match(error.message, /ask an admin to run tctl users reset bob/);
    // Under optional, that user simply has no second factor.
    assert.equal((await users("optional").checkPassword("bob", PASSWORD)).ok, true);
  });
});
