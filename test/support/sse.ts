/** Reads a server-sent event stream as the browser's EventSource would, for tests. */
export interface SseEvent {
  event: string;
  data: any;
}

export function readSse(res: Response) {
  if (!res.body) throw new Error('the response has no body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let comments = 0;
  let ended = false;
  let buffer = '';

  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          const data: string[] = [];
          let comment = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comment = true;
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (comment && data.length === 0) comments++;
          else events.push({ event, data: JSON.parse(data.join('\n')) });
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      // cancelled
    }
    ended = true;
    waiters.splice(0).forEach((w) => w());
  })();

  /** Waits until an event matching `match` has arrived (from the start of the stream) and returns it. */
  async function waitFor(match: (e: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(match);
      if (found) return found;
      if (ended) throw new Error(`the stream ended without the event; got ${JSON.stringify(events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for an event; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  return {
    events,
    waitFor,
    get comments() {
      return comments;
    },
    get ended() {
      return ended;
    },
    async close() {
      await reader.cancel().catch(() => {});
    },
  };
}
