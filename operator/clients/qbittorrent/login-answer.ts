// Reads qBittorrent's answer to POST /api/v2/auth/login across versions (pure). Up to 5.1: always 200
// with "Ok." or "Fails."; 5.2: 204 or 401. Both: 403 when the client IP is banned.

export type LoginAnswer = "ok" | "refused" | "banned" | "unexpected";

export function interpretLoginAnswer(status: number, body: string): LoginAnswer {
  const text = body.trim();
  if (status === 204) return "ok";
  if (status === 200 && text === "Ok.") return "ok";
  if (status === 200 && text === "Fails.") return "refused";
  if (status === 401) return "refused";
  if (status === 403) return "banned";
  return "unexpected";
}
