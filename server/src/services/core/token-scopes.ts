/** An API token's scopes: which operations it reaches is decided in access.ts. */
export const TOKEN_SCOPES = ['read', 'write', 'intake'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
