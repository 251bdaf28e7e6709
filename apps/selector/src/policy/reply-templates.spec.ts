import { ReplyTemplates } from './reply-templates';

describe('ReplyTemplates', () => {
  const templates = new ReplyTemplates({
    $comment: ['ignored'] as unknown as string[],
    'greet.personal': ['Hi {name}!', 'Hey {name}, {weekday} again?'],
    greet: ['Hi!', 'Hello!', 'Hey!'],
  });

  it('loads the shipped file, and ignores $ entries', () => {
    const shipped = ReplyTemplates.load();
    expect(shipped.keys().length).toBeGreaterThan(30);
    expect(templates.has('$comment')).toBe(false);
    expect(templates.keys()).toEqual(['greet.personal', 'greet']);
  });

  it('fills slots, and uses only lines whose slots all have values', () => {
    expect(templates.realize('greet.personal', { name: 'Sam' }, new Set(), 'x')).toEqual({ text: 'Hi Sam!', lineId: 'greet.personal#0' });
    expect(templates.realize('greet.personal', {}, new Set(), 'x')).toBeUndefined();
    expect(templates.realize('missing', {}, new Set(), 'x')).toBeUndefined();
  });

  it('is stable for a seed, and skips recently used lines while others are left', () => {
    const first = templates.realize('greet', {}, new Set(), 'm1')!;
    expect(templates.realize('greet', {}, new Set(), 'm1')).toEqual(first);
    const used = new Set<string>();
    for (let i = 0; i < 3; i++) used.add(templates.realize('greet', {}, used, `m${i}`)!.lineId);
    expect(used.size).toBe(3);
    // Everything used: a line is still given.
    expect(templates.realize('greet', {}, used, 'm9')).toBeDefined();
  });

  it('refuses a key without lines', () => {
    expect(() => new ReplyTemplates({ empty: [] })).toThrow(/empty has no lines/);
  });
});
