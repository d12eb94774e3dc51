package io.berth.image.unpack;

/**
 * A member would touch something outside its snapshot, or through a symlink.
 * Internal: the unpacker adds the member's name and rethrows it as an
 * InvalidArgumentException.
 */
final class UnsafeEntryException extends Exception {

    UnsafeEntryException(String reason) {
        super(reason, null, false, false);
    }
}
