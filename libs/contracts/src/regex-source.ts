import { z } from 'zod';

/** A configuration field holding a case-insensitive regular expression's source: refused at load when it does not compile. */
export const regexSource = z
  .string()
  .min(1)
  .refine((source) => {
    try {
      new RegExp(source, 'iu');
      return true;
    } catch {
      return false;
    }
  }, 'not a regular expression');
