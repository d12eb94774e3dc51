package io.berth.runtime.stream.runtime;

import io.berth.runtime.shim.AttachClient;

/** A shim's STDOUT and STDERR frames, each into its own pipe. */
final class OutputPipes implements AttachClient.Output {

    final ChunkPipe out = new ChunkPipe();
    final ChunkPipe err = new ChunkPipe();

    @Override
    public void stdout(byte[] data) {
        out.offer(data);
    }

    @Override
    public void stderr(byte[] data) {
        err.offer(data);
    }

    /** The process's output is over: readers see EOF after what is buffered. */
    void end() {
        out.end();
        err.end();
    }

    /** Nobody reads any more: drop what is buffered and unblock the writer. */
    void close() {
        out.close();
        err.close();
    }
}
