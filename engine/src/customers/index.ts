/**
 * `@closeloop/engine/customers`: customer match keys (`customerKeys`, `phoneKey`,
 * `companyKey`, `pinyinKey`, `usccKey`, `maskPhone`…). Its own entry point because it carries
 * libphonenumber-js, opencc-js and pinyin-pro (~620 kB minified in a browser bundle, and
 * pinyin-pro does start-up work once loaded): the server and tests import it; an editor page
 * should only if it really normalises customers in the browser, from a lazy route chunk.
 * The pool's rules (`./pool.ts`, zod only) are exported by the main entry `@closeloop/engine`.
 */
export * from './normalize.ts';
