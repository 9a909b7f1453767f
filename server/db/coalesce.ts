/**
 * Coalesces the calls made during one turn of the event loop into one call of
 * `run`, so that many concurrent requests cost one database round trip and one
 * commit instead of one each. No timer is involved: a batch leaves at the end of
 * the turn in which its first item arrived (setImmediate), so a lone request waits
 * for nothing. `run` answers item by item, in order; if it throws, every item of
 * the batch gets that error. Nothing outlives the turn: the state here is only the
 * calls not yet sent, each still awaited by its request.
 */
export function coalesce<In, Out>(run: (items: In[]) => Promise<Out[]>, maxItems = 200): (item: In) => Promise<Out> {
  let waiting: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];

  const flush = () => {
    if (waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    run(batch.map((entry) => entry.item))
      .then((outs) => {
        if (outs.length !== batch.length) throw new Error(`coalesce: ${outs.length} answers for ${batch.length} items`);
        batch.forEach((entry, i) => entry.resolve(outs[i]!));
      })
      .catch((error: unknown) => batch.forEach((entry) => entry.reject(error)));
  };

  return (item) =>
    new Promise<Out>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ item, resolve, reject });
      if (waiting.length >= maxItems) flush();
    });
}
