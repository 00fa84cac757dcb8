// Names that are not plain text: the byte-exact string form (name-bytes), rclone's
// lib/encoder (standard <-> local <-> b2 names) and `ls -b` escaping — known answers
// recorded from rclone 1.60.1 and GNU ls, and checked live against both programs.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/random/seeded-random.js';
import { B2_ENCODING, LOCAL_ENCODING, decodeName, encodeName, fromStandardName, standardPathOfLocal, toStandardName, toStandardPath } from '../src/names/rclone-encoding.js';
import { escapeName, findLocalPaths, fsPath, localPathOf, nameFromBytes, openCryptRemote, unescapeName } from '../src/index.js';
import { nameToBytes } from '../src/names/name-bytes.js';
import { type OpenedCryptRemote } from '../src/crypt/open-crypt-remote.js';
import { makeCryptFixture, type CryptFixture } from './helpers/rclone.js';

const b = (hex: string): string => nameFromBytes(Buffer.from(hex, 'hex'));

/**
 * Local file name (Linux) → the crypt remote's plaintext (rclone's standard name), as
 * `rclone copy LOCAL crypt:` + `rclone lsf crypt:` show them (rclone 1.60.1). Names marked
 * "(unstorable)" hold a `‛` that quotes nothing: rclone 1.60.1 reads it as a literal `‛`
 * and lists the file under the doubled quote, then opens the doubled name ("no such file"),
 * so it cannot store them; `rclone copy` back would write the doubled name.
 */
const LOCAL_TO_STANDARD: [string, string, string][] = [
  ['newline', 'nl\nx', 'nl␊x'],
  ['tab', 'tab\tx', 'tab␉x'],
  ['carriage return', 'cr\rx', 'cr␍x'],
  ['escape', 'esc\x1bx', 'esc␛x'],
  ['SOH at the end', 'one\x01', 'one␁'],
  ...Array.from({ length: 31 }, (_, i): [string, string, string] => [`control 0x${(i + 1).toString(16)}`, `c${String.fromCharCode(i + 1)}x`, `c${String.fromCharCode(0x2401 + i)}x`]),
  ['DEL', 'del\x7fx', 'del␡x'],
  ['a literal control picture is quoted', 'pic␊x', 'pic‛␊x'],
  ['a control picture alone', '␊', '‛␊'],
  ['a literal ␡ is quoted', 'sym␡x', 'sym‛␡x'],
  ['a literal ␀ is read as NUL (in every encoding)', 'nul␀x', 'nul␀x'],
  ['␀ alone', '␀', '␀'],
  ['a quoted ␀', '‛␀', '‛␀'],
  ['invalid UTF-8 stays raw', b('626164fe78'), b('626164fe78')],
  ['an invalid byte alone', b('ff'), b('ff')],
  ['truncated sequence stays raw', b('62616432c378'), b('62616432c378')],
  ['U+FFFD is an ordinary character', 'ffff\ufffdx', 'ffff\ufffdx'],
  ['fullwidth solidus', 'fullslash／x', 'fullslash／x'],
  ['fullwidth solidus alone', '／', '／'],
  ['a quoted fullwidth solidus', '‛／x', '‛／x'],
  ['fullwidth dot name', '．', '．'],
  ['fullwidth dot-dot name', '．．', '．．'],
  ['a quoted fullwidth dot name', '‛．', '‛．'],
  ['a trailing fullwidth dot', 'a．', 'a．'],
  ['backslash', 'back\\x', 'back\\x'],
  ['fullwidth backslash', '＼', '＼'],
  ['spaces', ' lead and trail ', ' lead and trail '],
  ['trailing dot', 'trail.', 'trail.'],
  ['leading dot', '.lead', '.lead'],
  ['quote before a quote', 'q‛‛x', 'q‛‛x'],
  ['quote before a control picture (unstorable)', 'q‛␊x', 'q‛‛‛␊x'],
  ['quote before ␡ (unstorable)', '‛␡', '‛‛‛␡'],
  ['lone quote (unstorable)', 'quote‛x', 'quote‛‛x'],
  ['lone quote, listed like q‛‛x (unstorable)', 'q‛x', 'q‛‛x'],
  ['quote alone (unstorable)', '‛', '‛‛'],
  ['trailing quote (unstorable)', 'a‛', 'a‛‛'],
  ['quote before a fullwidth backslash (unstorable)', '‛＼', '‛‛＼'],
  ['quote before hex digits (unstorable)', 'qfe‛FEx', 'qfe‛‛FEx'],
  ['lone quote after a quoted quote (unstorable)', 'p‛‛‛x', 'p‛‛‛‛x'],
  ['lone quote, then a fullwidth solidus (unstorable)', 'q‛x／y', 'q‛‛x／y'],
  ['lone quote, then ␀ (unstorable)', 'n‛a␀', 'n‛‛a␀'],
  ['lone quote before an invalid byte (unstorable)', b('61e2809bff62'), b('61e2809be2809bff62')],
];
const UNSTORABLE = new Set(LOCAL_TO_STANDARD.filter(([label]) => label.endsWith('(unstorable)')).map(([, local]) => local));

describe('localPathOf / standardPathOfLocal (known answers from rclone 1.60.1)', () => {
  it.each(LOCAL_TO_STANDARD)('%s', (_label, local, standard) => {
    expect(standardPathOfLocal(local)).toBe(standard);
    if (!UNSTORABLE.has(local)) expect(localPathOf(standard)).toBe(local);
    // rclone writes an unstorable name's standard name with the quote doubled, listed the same.
    else expect([localPathOf(standard) !== local, standardPathOfLocal(localPathOf(standard))]).toEqual([true, standard]);
  });

  it('standardPathOfLocal hands a path without characters the encodings change back as it is, and every path as toStandardPath maps it', () => {
    const random = seededRandom(7);
    const alphabet = ['a', 'é', '.', '/', ' ', '\n', '\u007f', '\u0000', '‛', '␊', '␀', '␡', '／', '．', '\udcfd', '😀', '\\', '*'];
    for (let i = 0; i < 5000; i++) {
      let path = '';
      for (let n = Math.floor(random() * 8); n > 0; n--) path += alphabet[Math.floor(random() * alphabet.length)];
      expect(standardPathOfLocal(path), JSON.stringify(path)).toBe(toStandardPath(LOCAL_ENCODING, path));
    }
  });

  it('maps every segment of a path', () => {
    expect(localPathOf('dir␊name/in␉side')).toBe('dir\nname/in\tside');
    expect(standardPathOfLocal('dir\nname/in\tside')).toBe('dir␊name/in␉side');
  });
});

describe('the b2 encoding (Slash,BackSlash,Del,Ctl,InvalidUtf8,Dot)', () => {
  it.each([
    ['back\\x', 'back＼x'],
    ['nl\nx', 'nl␊x'],
    [b('626164fe78'), 'bad‛FEx'],
    ['.', '．'],
    ['..', '．．'],
    ['a‛b', 'a‛‛b'],
  ])('%j <-> %j', (raw, encoded) => {
    expect(encodeName(B2_ENCODING, raw)).toBe(encoded);
    expect(decodeName(B2_ENCODING, encoded)).toBe(raw);
  });

  it('decodes ‛XX pairs back into the bytes of one character', () => {
    expect(decodeName(B2_ENCODING, '‛C3‛A9')).toBe('é');
  });

  it('decodes ‛XX below 0x80 as that ASCII byte, as rclone does (a B2 name `‛41` is `A`, `‛00` NUL)', () => {
    expect(decodeName(B2_ENCODING, 'a‛41b‛2f')).toBe('aAb/');
    expect(toStandardName(B2_ENCODING, 'a␠␀‛00')).toBe('a␠␀␀');
    expect(toStandardName(B2_ENCODING, '‛7F‛C3‛A9')).toBe('␡é');
  });

  it('round-trips any name', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const name = nameFromBytes(bytes);
        for (const mask of [B2_ENCODING, LOCAL_ENCODING]) expect(decodeName(mask, encodeName(mask, name))).toBe(name);
      }),
    );
  });
});

describe('nameFromBytes / nameToBytes', () => {
  it('round-trips any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => nameToBytes(nameFromBytes(bytes)).equals(Buffer.from(bytes))));
  });
  it('keeps valid UTF-8 as the ordinary string, astral characters included', () => {
    expect(nameFromBytes(Buffer.from('日本 🎉 \u{10080}', 'utf8'))).toBe('日本 🎉 \u{10080}');
    expect(fsPath('plain')).toBe('plain');
    expect(fsPath(b('fe'))).toEqual(Buffer.from('fe', 'hex'));
  });
  it('treats encoded surrogates (CESU) as invalid bytes, like Go', () => {
    expect(nameToBytes(nameFromBytes(Buffer.from('eda080', 'hex')))).toEqual(Buffer.from('eda080', 'hex'));
    expect(nameFromBytes(Buffer.from('eda080', 'hex'))).toHaveLength(3);
  });
});

describe('escapeName / unescapeName', () => {
  it.each([
    ['plain name.txt', 'plain name.txt'],
    ['nl\nx', 'nl\\nx'],
    ['tab\tx', 'tab\\tx'],
    ['cr\rx', 'cr\\rx'],
    ['back\\x', 'back\\\\x'],
    ['esc\x1bx', 'esc\\033x'],
    ['del\x7fx', 'del\\177x'],
    [b('626164fe78'), 'bad\\376x'],
    ['c1\u0085', 'c1\\302\\205'],
    ['pic␊x 日本 🎉', 'pic␊x 日本 🎉'],
  ])('%j -> %s', (name, escaped) => {
    expect(escapeName(name)).toBe(escaped);
    expect(unescapeName(escaped)).toBe(name);
  });

  it('round-trips any name and never prints a control character', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const name = nameFromBytes(bytes);
        const escaped = escapeName(name);
        // eslint-disable-next-line no-control-regex
        expect(escaped).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(unescapeName(escaped)).toBe(name);
      }),
    );
  });

  it('leaves backslashes before other characters alone (real rclone ls output)', () => {
    expect(unescapeName('C:\\x\\y')).toBe('C:\\x\\y');
  });
});

const LIVE_NAMES = LOCAL_TO_STANDARD.map(([, local]) => local).filter((name) => !UNSTORABLE.has(name));

describe('against the real programs', () => {
  let fixture: CryptFixture;
  let remote: OpenedCryptRemote;
  let src: string;

  beforeAll(async () => {
    fixture = await makeCryptFixture();
    remote = await openCryptRemote({ configPath: fixture.configPath, env: {} });
    src = join(fixture.dir, 'src');
    await mkdir(src);
    for (const name of LIVE_NAMES) await writeFile(fsPath(join(src, name)), name);
    await mkdir(fsPath(join(src, 'dir\nname')));
    await writeFile(fsPath(join(src, 'dir\nname', 'in\tside')), 'x');
    await fixture.rclone(['copy', src, 'c:']);
  }, 60_000);
  afterAll(async () => {
    await remote?.content.close?.();
    await fixture?.cleanup();
  });

  const localNames = async (dir: string): Promise<string[]> => {
    const out: string[] = [];
    const walk = async (at: Buffer, prefix: string): Promise<void> => {
      for (const entry of await readdir(at, { withFileTypes: true, encoding: 'buffer' })) {
        const name = prefix + nameFromBytes(entry.name);
        if (entry.isDirectory()) await walk(Buffer.concat([at, Buffer.from('/'), entry.name]), `${name}/`);
        else out.push(name);
      }
    };
    await walk(Buffer.from(dir), '');
    return out.sort();
  };

  it('rclone lsf shows our standard names, and our decryption of the stored names gives them', async () => {
    const { stdoutBuffer } = await fixture.rclone(['lsf', '-R', '--files-only', 'c:']);
    const listed = stdoutBuffer.toString('latin1').split('\n').filter(Boolean).map((l) => nameFromBytes(Buffer.from(l, 'latin1'))).sort();
    const ours = (await localNames(src)).map(standardPathOfLocal).sort();
    expect(listed).toEqual(ours);
    const stored = (await localNames(fixture.store)).map((p) => remote.names.decryptPath(p)).sort();
    expect(stored).toEqual(ours);
  });

  it('rclone copy back writes our local names', async () => {
    const back = join(fixture.dir, 'back');
    await fixture.rclone(['copy', 'c:', back]);
    const { stdoutBuffer } = await fixture.rclone(['lsf', '-R', '--files-only', 'c:']);
    const standard = stdoutBuffer.toString('latin1').split('\n').filter(Boolean).map((l) => nameFromBytes(Buffer.from(l, 'latin1')));
    expect(await localNames(back)).toEqual(standard.map(localPathOf).sort());
    expect(await localNames(back)).toEqual(await localNames(src));
  });

  it('rclone lsf and lsjson list every name on disk as standardPathOfLocal says; findLocalPaths finds the files listed', async () => {
    const listed = join(fixture.dir, 'listed');
    await mkdir(listed);
    const all = LOCAL_TO_STANDARD.map(([, local]) => local);
    for (const name of all) await writeFile(fsPath(join(listed, name)), name);
    await mkdir(join(listed, 'd\u201bx'));
    await writeFile(join(listed, 'd\u201bx', 'f'), 'f');
    const lsf = async (flag: string): Promise<string[]> => {
      const { stdoutBuffer } = await fixture.rclone(['lsf', flag, listed]);
      return stdoutBuffer.toString('latin1').split('\n').filter(Boolean).map((l) => nameFromBytes(Buffer.from(l, 'latin1')));
    };
    const files = await lsf('--files-only');
    expect([...files].sort()).toEqual(all.map(standardPathOfLocal).sort());
    expect(await lsf('--dirs-only')).toEqual(['d\u201b\u201bx/']);
    // lsjson is JSON: each byte of invalid UTF-8 becomes U+FFFD there.
    const { stdout } = await fixture.rclone(['lsjson', '--files-only', listed]);
    const json = (JSON.parse(stdout) as { Path: string }[]).map((e) => e.Path).sort();
    expect(json).toEqual(all.map((name) => standardPathOfLocal(name).toWellFormed()).sort());
    // Every listed name leads back to exactly the files rclone listed under it.
    const found = await findLocalPaths(listed, [...files, 'd\u201b\u201bx/f', 'd\u201b\u201bx/missing', 'no\u201b\u201bsuch']);
    expect([...new Set(files)].flatMap((name) => found.get(name) ?? []).sort()).toEqual([...all].sort());
    expect(found.get('q\u201b\u201bx')?.sort()).toEqual(['q\u201bx', 'q\u201b\u201bx']);
    expect(found.get('d\u201b\u201bx/f')).toEqual(['d\u201bx/f']);
    expect(found.get('d\u201b\u201bx/missing')).toEqual(['d\u201bx/missing']); // unambiguous: not checked
    expect(found.get('no\u201b\u201bsuch')).toEqual([]);
    expect(found.get('nl\u240ax')).toEqual(['nl\nx']);
  });

  it('GNU ls -b escapes as escapeName does (spaces aside)', async () => {
    const { stdout } = await execa('ls', ['-b', '-1', '-A', src], { env: { LC_ALL: 'C.UTF-8' }, encoding: 'buffer' });
    const lines = Buffer.from(stdout).toString('utf8').split('\n').filter(Boolean).map((l) => l.replaceAll('\\ ', ' ')).sort();
    const ours = (await readdir(Buffer.from(src), { encoding: 'buffer' })).map((n) => escapeName(nameFromBytes(n))).sort();
    expect(ours).toEqual(lines);
  });
});

/** Short names made of the characters the encodings treat specially (seeded: the same every run). */
function oddNames(count: number): string[] {
  const alphabet = ['a', 'F', '0', '9', '‛', '‛', '‛', '／', '．', '.', '␀', '␊', '␁', '␡', '\x7f', '\x01', '\n', '＼', '\\', ' ', b('ff'), b('c3'), 'é', '␠'];
  const names = fc.sample(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 6 }), { seed: 14, numRuns: count * 2 }).map((parts) => parts.join(''));
  // As names read from disk are (bytes that form a valid character read as that character).
  return [...new Set(names.map((name) => nameFromBytes(nameToBytes(name))))].filter((name) => name !== '.' && name !== '..').slice(0, count);
}

describe('random odd names against the real rclone, through the local backend with each encoding', () => {
  let fixture: CryptFixture;
  const names = oddNames(300);
  const write = async (root: string, list: string[]): Promise<void> => {
    for (const [i, name] of list.entries()) {
      await mkdir(join(root, String(i)), { recursive: true });
      await writeFile(fsPath(join(root, String(i), name)), name);
    }
  };
  const byIndex = (paths: string[]): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const path of paths) {
      const [i, ...rest] = path.split('/');
      out.set(i!, [...(out.get(i!) ?? []), rest.join('/')]);
    }
    return out;
  };
  const local = (mask: string, path: string): string => `:local,encoding='${mask}':${path}`;

  beforeAll(async () => {
    fixture = await makeCryptFixture();
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });

  it.each([
    ['Slash,Dot (local, the default on Linux)', LOCAL_ENCODING],
    ['Slash,BackSlash,Del,Ctl,InvalidUtf8,Dot (b2)', B2_ENCODING],
  ])('%s: rclone lists each name as toStandardName says', async (flag, mask) => {
    const root = join(fixture.dir, `all-${mask}`);
    await write(root, names);
    const { stdoutBuffer } = await fixture.rclone(['lsf', '-R', '--files-only', local(flag.split(' ')[0]!, root)]);
    const listed = byIndex(stdoutBuffer.toString('latin1').split('\n').filter(Boolean).map((l) => nameFromBytes(Buffer.from(l, 'latin1'))));
    const wrong = names.flatMap((name, i) => {
      const ours = toStandardName(mask, name);
      const rclone = listed.get(String(i));
      return rclone?.length === 1 && rclone[0] === ours ? [] : [{ name, rclone, ours }];
    });
    expect(wrong).toEqual([]);
    if (mask !== LOCAL_ENCODING) return;
    // Each name rclone lists leads back to the file on disk (unstorable ones included).
    const lost: { name: string; found: string[] | undefined }[] = [];
    for (const [i, name] of names.entries()) {
      const listedAs = listed.get(String(i))![0]!;
      const found = (await findLocalPaths(root, [`${i}/${listedAs}`])).get(`${i}/${listedAs}`);
      if (found?.length !== 1 || found[0] !== `${i}/${name}`) lost.push({ name, found });
    }
    expect(lost).toEqual([]);
  });

  it('rclone copy into a local directory with the b2 encoding writes fromStandardName(b2) of each name (what it stores in a bucket)', async () => {
    const storable = names.filter((name) => localPathOf(standardPathOfLocal(name)) === name);
    expect(storable.length).toBeGreaterThan(names.length / 2);
    const src = join(fixture.dir, 'storable');
    const dst = join(fixture.dir, 'as-b2');
    await write(src, storable);
    await fixture.rclone(['copy', src, local('Slash,BackSlash,Del,Ctl,InvalidUtf8,Dot', dst)]);
    const wrong: { name: string; rclone: string[]; ours: string }[] = [];
    for (const [i, name] of storable.entries()) {
      const rclone = (await readdir(Buffer.from(join(dst, String(i))), { encoding: 'buffer' })).map(nameFromBytes);
      const ours = fromStandardName(B2_ENCODING, standardPathOfLocal(name));
      if (rclone.length !== 1 || rclone[0] !== ours) wrong.push({ name, rclone, ours });
    }
    expect(wrong).toEqual([]);
  });
});
