/** Adds a data-testid to a props object whose type (antd's okButtonProps…) does not list it. */
export function testProps<T extends object>(props: T, testid: string): T {
  return Object.assign(props, { 'data-testid': testid });
}
