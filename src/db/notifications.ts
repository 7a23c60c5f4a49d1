/** Hears the notifications (NOTIFY) of one channel. */
export interface NotificationSubscriber {
  /** A notification came; also once notifications flow again after a gap (some were missed). */
  notified(): void;
  /**
   * Whether notifications flow: true once listening, false (with why) when the connection
   * that carries them failed or was lost. Until the first call, nothing is heard.
   */
  listening(on: boolean, error?: Error): void;
}

export type Unlisten = () => Promise<void>;
