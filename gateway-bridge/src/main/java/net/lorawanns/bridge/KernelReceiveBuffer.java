package net.lorawanns.bridge;

import io.vertx.core.datagram.DatagramSocket;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises a Vert.x datagram socket's kernel receive buffer (SO_RCVBUF) without raising the buffer each datagram is
 * read into, which Vert.x 5 sets to the same value ({@code DatagramSocketOptions.setReceiveBufferSize}). Vert.x has
 * no option for this, so the Netty channel is reached through the socket's {@code channel} field; if a Vert.x
 * release renames it, the bridge keeps working with the smaller queue and says so once.
 */
final class KernelReceiveBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(KernelReceiveBuffer.class);

    private KernelReceiveBuffer() {
    }

    static void raise(DatagramSocket socket, int bytes) {
        try {
            Field field = socket.getClass().getDeclaredField("channel");
            field.setAccessible(true);
            io.netty.channel.socket.DatagramChannel channel = (io.netty.channel.socket.DatagramChannel) field.get(socket);
            channel.config().setReceiveBufferSize(bytes);
            LOG.debug("UDP kernel receive buffer: asked {} bytes, got {}", bytes, channel.config().getReceiveBufferSize());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Cannot raise the UDP kernel receive buffer ({}); bursts of datagrams may be dropped by the "
                    + "kernel", e.toString());
        }
    }
}
