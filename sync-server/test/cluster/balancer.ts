import net from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * A tiny TCP load balancer for tests: each new connection goes to the next backend in turn
 * (round robin); a backend that refuses the connection is skipped, so when an instance dies its
 * clients' reconnects land on the others. No stickiness: a WebSocket is one TCP connection.
 */
export class TcpBalancer {
  readonly #server: net.Server
  readonly #sockets = new Set<net.Socket>()
  #next = 0
  /** Connections handed to each backend port, in order. */
  readonly assigned: number[] = []

  constructor(readonly backends: () => readonly number[]) {
    this.#server = net.createServer((socket) => this.#accept(socket))
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, '127.0.0.1', () => resolve())
    })
    return (this.#server.address() as AddressInfo).port
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port
  }

  #accept(client: net.Socket): void {
    this.#sockets.add(client)
    client.on('close', () => this.#sockets.delete(client))
    client.on('error', () => client.destroy())
    client.pause()
    const ports = this.backends()
    const start = this.#next++
    const attempt = (tries: number) => {
      if (tries >= ports.length || client.destroyed) {
        client.destroy()
        return
      }
      const port = ports[(start + tries) % ports.length]!
      const upstream = net.connect(port, '127.0.0.1')
      const onError = () => {
        upstream.destroy()
        attempt(tries + 1)
      }
      upstream.once('error', onError)
      upstream.once('connect', () => {
        upstream.off('error', onError)
        this.assigned.push(port)
        this.#sockets.add(upstream)
        upstream.on('close', () => {
          this.#sockets.delete(upstream)
          client.destroy()
        })
        upstream.on('error', () => upstream.destroy())
        client.on('close', () => upstream.destroy())
        client.pipe(upstream)
        upstream.pipe(client)
        client.resume()
      })
    }
    attempt(0)
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
