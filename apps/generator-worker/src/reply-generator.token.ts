/** The ReplyGenerator this process runs, chosen by GENERATOR. */
export const REPLY_GENERATOR = Symbol('REPLY_GENERATOR');
