/**
 * A deterministic synthetic corpus for retrieval tests: every document describes one
 * fictional project with distinctive facts (a unique project name and a unique mascot
 * name) buried in shared boilerplate, plus labelled questions about those facts.
 */
const SYLLABLES = ['ka', 'lo', 'mir', 'zan', 'tev', 'qui', 'dor', 'bel', 'sha', 'rum', 'pex', 'vol', 'nir', 'gat', 'fyn', 'hos', 'jup', 'wex', 'yor', 'cim'];
const MASCOT_SYLLABLES = ['bo', 'zu', 'tri', 'pom', 'lix', 'gri', 'mau', 'sne', 'dwi', 'kro', 'fla', 'vus', 'ple', 'tor', 'quo', 'hib', 'nax', 'rel', 'sto', 'yib'];
const CITIES = ['Lisbon', 'Oslo', 'Nairobi', 'Lima', 'Osaka', 'Tallinn', 'Quito', 'Perth', 'Dakar', 'Hanoi', 'Bergen', 'Cusco'];
const LEADERS = ['Ada Moreau', 'Bram Okafor', 'Chen Wei', 'Dana Ilves', 'Emre Kaya', 'Freya Lund', 'Goran Petrov', 'Hana Sato', 'Ivo Marsh', 'Jia Ortiz'];
const ANIMALS = ['otter', 'heron', 'lynx', 'badger', 'falcon', 'tortoise', 'beaver', 'gecko', 'marmot', 'puffin'];
const TOPICS = ['data pipelines', 'the billing system', 'customer onboarding', 'mobile releases', 'the search service', 'warehouse robots'];
const FILLER = [
  'The quarterly report lists the budget, the risks and the milestones of the team.',
  'Meetings follow a fixed agenda and the minutes are shared with every stakeholder afterwards.',
  'New members receive an onboarding guide, a mentor and access to the shared documentation.',
  'The roadmap is reviewed each month and priorities are adjusted when the situation changes.',
  'Incidents are written up without blame and the follow-up actions are tracked to completion.',
  'The team publishes a newsletter that summarises progress, open questions and upcoming work.',
  'Suppliers are evaluated every year on price, reliability and the quality of their support.',
  'Dashboards show the main indicators so that everybody can see how the work is going.',
];

/** Mulberry32: a tiny seeded PRNG, so the corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniqueWord(n: number, syllables: readonly string[], offset: number): string {
  const s = syllables.length;
  const w = syllables[(n + offset) % s]! + syllables[Math.floor(n / s) % s]! + syllables[(Math.floor(n / (s * s)) + offset * 3) % s]!;
  return w[0]!.toUpperCase() + w.slice(1);
}

export interface CorpusDocument {
  id: string;
  text: string;
  metadata: { city: string; year: number };
  facts: { project: string; mascot: string; animal: string; leader: string; city: string };
}

export function generateCorpus(size: number, seed = 42): CorpusDocument[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: size }, (_, i) => {
    const project = uniqueWord(i, SYLLABLES, 0);
    const mascot = uniqueWord(i * 7 + 3, MASCOT_SYLLABLES, 5);
    const city = pick(CITIES);
    const leader = pick(LEADERS);
    const animal = pick(ANIMALS);
    const year = 1990 + Math.floor(random() * 35);
    const filler = Array.from({ length: 4 }, () => pick(FILLER)).join(' ');
    const text =
      `Project ${project} is an initiative run from ${city}. The project is led by ${leader}, who joined in ${year}. ` +
      `Its mascot is a ${animal} called ${mascot}. ${filler} ` +
      `The team of project ${project} meets every week to review progress on ${pick(TOPICS)}. ${pick(FILLER)} ${pick(FILLER)}`;
    return { id: `doc-${String(i).padStart(4, '0')}`, text, metadata: { city, year }, facts: { project, mascot, animal, leader, city } };
  });
}

export interface LabelledQuery {
  query: string;
  expected: string;
}

/** Questions about distinctive facts, each answered by exactly one document. */
export function labelledQueries(corpus: readonly CorpusDocument[], count: number, seed = 7): LabelledQuery[] {
  const random = rng(seed);
  return Array.from({ length: count }, (_, n) => {
    const doc = corpus[Math.floor(random() * corpus.length)]!;
    const query =
      n % 2 === 0
        ? `Which project has a ${doc.facts.animal} mascot called ${doc.facts.mascot}?`
        : `Who leads project ${doc.facts.project} and in which city is it based?`;
    return { query, expected: doc.id };
  });
}
