import { prError } from '../errors';

/** One emoji a comment can be reacted to with, in the three forms CodeCommit accepts and returns. */
export interface Reaction {
  /** Stable name, stored in the database; its upper case is the key of callerReactions and reactionCounts. */
  name: string;
  /** The Emoji 1.0 graphic. */
  emoji: string;
  /** The short code as CodeCommit returns it in ReactionValueFormats (without the colons). */
  shortCode: string;
  /** The code point, as "U+1F44D". */
  unicode: string;
  /** Other short codes accepted for it (the GitHub/Slack spellings). */
  aliases: string[];
}

/**
 * The reactions CodeCommit accepts. Neither the service model nor the API reference lists them
 * (they point to the user guide's emoji table), so this is Cairn's choice, recorded here: the
 * reactions CodeCommit's console offers and its documentation shows (👍 :thumbsup: U+1F44D,
 * 👎 :thumbsdown: U+1F44E, 😕 :confused: U+1F615, and the SMILE / THUMBSUP / CLAP counts of the
 * user guide's examples), completed with the usual review set (laughing, heart, hooray, eyes,
 * rocket). A PutCommentReaction value may be the emoji, the short code (with or without its
 * colons, any case, or an alias) or the "U+…" code point. Order here is the order listings use.
 */
export const REACTIONS: readonly Reaction[] = [
  { name: 'thumbsup', emoji: '👍', shortCode: 'thumbsup', unicode: 'U+1F44D', aliases: ['+1', 'thumbs_up'] },
  { name: 'thumbsdown', emoji: '👎', shortCode: 'thumbsdown', unicode: 'U+1F44E', aliases: ['-1', 'thumbs_down'] },
  { name: 'smile', emoji: '😄', shortCode: 'smile', unicode: 'U+1F604', aliases: [] },
  { name: 'laughing', emoji: '😆', shortCode: 'laughing', unicode: 'U+1F606', aliases: ['laugh', 'satisfied'] },
  { name: 'confused', emoji: '😕', shortCode: 'confused', unicode: 'U+1F615', aliases: [] },
  { name: 'heart', emoji: '❤️', shortCode: 'heart', unicode: 'U+2764', aliases: [] },
  { name: 'hooray', emoji: '🎉', shortCode: 'hooray', unicode: 'U+1F389', aliases: ['tada'] },
  { name: 'clap', emoji: '👏', shortCode: 'clap', unicode: 'U+1F44F', aliases: [] },
  { name: 'eyes', emoji: '👀', shortCode: 'eyes', unicode: 'U+1F440', aliases: [] },
  { name: 'rocket', emoji: '🚀', shortCode: 'rocket', unicode: 'U+1F680', aliases: [] },
];

/** The value that removes the caller's reaction (as do null and blank). */
export const NO_REACTION = 'none';

const VARIATION_SELECTOR = /\uFE0F/g;
const byName = new Map(REACTIONS.map((r) => [r.name, r]));
const byWord = new Map<string, Reaction>(REACTIONS.flatMap((r) => [r.shortCode, ...r.aliases].map((w) => [w.toLowerCase(), r] as [string, Reaction])));
const byUnicode = new Map(REACTIONS.map((r) => [r.unicode.toUpperCase(), r]));
/** Graphics without the emoji variation selector, longest first so a scan takes the whole emoji. */
const graphics = REACTIONS.map((r) => ({ text: r.emoji.replace(VARIATION_SELECTOR, ''), reaction: r })).sort((a, b) => b.text.length - a.text.length);

/** The reaction stored under this name (undefined for a name no longer in the table). */
export function reactionNamed(name: string): Reaction | undefined {
  return byName.get(name);
}

/** The key of callerReactions and reactionCounts, as CodeCommit's examples show them: "THUMBSUP". */
export function reactionKey(reaction: Reaction): string {
  return reaction.name.toUpperCase();
}

/** CodeCommit's ReactionValueFormats. */
export function reactionFormats(reaction: Reaction) {
  return { emoji: reaction.emoji, shortCode: reaction.shortCode, unicode: reaction.unicode };
}

/** What a PutCommentReaction value asks for: a reaction, or removing the caller's reaction. */
export type ReactionRequest = { remove: true } | { remove: false; reaction: Reaction };

/**
 * Reads PutCommentReaction's reactionValue. Absent is ReactionValueRequiredException; null, blank
 * or "none" remove the caller's reaction; a known reaction in any of its forms sets it; several
 * known reactions at once break the one-reaction-per-user rule (ReactionLimitExceededException);
 * anything else is InvalidReactionValueException.
 */
export function parseReactionValue(input: Record<string, unknown>): ReactionRequest {
  if (!Object.hasOwn(input, 'reactionValue') || input.reactionValue === undefined) throw prError('ReactionValueRequiredException', 'A reaction value is required.');
  const value = input.reactionValue;
  if (value === null) return { remove: true };
  if (typeof value !== 'string') throw invalid(String(value));
  const text = value.trim();
  if (text === '' || text.toLowerCase() === NO_REACTION || text.toLowerCase() === `:${NO_REACTION}:`) return { remove: true };
  const found = scanReactions(text);
  if (!found) throw invalid(value);
  if (found.length > 1) throw prError('ReactionLimitExceededException', 'A user can have one reaction to a comment; give a single reaction value.');
  return { remove: false, reaction: found[0] };
}

/**
 * The reactions a value names, in order, or undefined when any part of it is not a reaction.
 * Parts may be separated by spaces or commas, or follow each other directly (":+1::heart:", "👍🎉").
 */
export function scanReactions(value: string): Reaction[] | undefined {
  const found: Reaction[] = [];
  for (const chunk of value.split(/[\s,]+/).filter(Boolean)) {
    const word = byWord.get(chunk.toLowerCase());
    if (word) {
      found.push(word);
      continue;
    }
    let rest = chunk.replace(VARIATION_SELECTOR, '');
    while (rest !== '') {
      const step = nextReaction(rest);
      if (!step) return undefined;
      if (step.reaction) found.push(step.reaction);
      rest = rest.slice(step.length);
    }
  }
  return found.length > 0 ? found : undefined;
}

/** The reaction at the start of text and how much of it it takes; null for a lone "U+FE0F". */
function nextReaction(text: string): { reaction: Reaction | null; length: number } | undefined {
  const shortCode = /^:([a-z0-9_+-]+):/i.exec(text);
  if (shortCode) {
    const reaction = byWord.get(shortCode[1].toLowerCase());
    return reaction ? { reaction, length: shortCode[0].length } : undefined;
  }
  const codePoint = /^U\+([0-9A-F]{4,6})/i.exec(text);
  if (codePoint) {
    if (codePoint[1].toUpperCase() === 'FE0F') return { reaction: null, length: codePoint[0].length };
    const reaction = byUnicode.get(`U+${codePoint[1].toUpperCase()}`);
    return reaction ? { reaction, length: codePoint[0].length } : undefined;
  }
  const graphic = graphics.find((g) => text.startsWith(g.text));
  return graphic ? { reaction: graphic.reaction, length: graphic.text.length } : undefined;
}

function invalid(value: string) {
  return prError('InvalidReactionValueException', `${JSON.stringify(value)} is not a supported reaction. Use one of ${REACTIONS.map((r) => `:${r.shortCode}:`).join(' ')}, or "none" to remove your reaction.`);
}
