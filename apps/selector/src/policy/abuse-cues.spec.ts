import { AbuseCues } from './abuse-cues';

describe('abuse cues (data/abuse-cues.json)', () => {
  const cues = AbuseCues.load();

  it.each([
    "you're a worthless bot",
    'shut the f*ck up',
    "i bet you'd love that",
    'old women are dried-up hags',
    'kys',
    'what a piece of junk',
    'i will leak your pics',
    'i will kill him',
    "you're going to die",
  ])('%j has one', (text) => {
    expect(cues.present(text)).toBe(true);
  });

  it.each([
    'be honest',
    'my rabbit Clover is chewing through every cable',
    'erzähl mir einen witz',
    'she only listens to nickelback',
    'bread didnt rise, kid got sent home sick, and the dishwasher is leaking',
    "she's fine btw, just a hip thing. but the 🙂 nearly killed me",
    'wanna know the worst part? hes going to die in session one',
  ])('%j has none', (text) => {
    expect(cues.present(text)).toBe(false);
  });

  it('tells an insult or a swear from speaking to someone', () => {
    expect(cues.insults("you're a worthless bot")).toBe(true);
    expect(cues.insults('shut the f*ck up')).toBe(true);
    expect(cues.insults('it suits you honestly')).toBe(false);
    expect(cues.present('it suits you honestly')).toBe(true);
  });
});
