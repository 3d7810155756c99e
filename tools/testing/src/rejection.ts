/** What `pending` rejects with; a resolution fails the test (`expected a rejection`). */
export function rejection(pending: PromiseLike<unknown>): Promise<Error> {
  return Promise.resolve(pending).then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}
