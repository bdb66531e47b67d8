/* A real NFS client for what Debian's libnfs-utils cannot do: make a hardlink and print inodes.
 * Usage: nfs-link <nfs://server/export?...> link <existing> <new> | stat <path>...  (paths in the export) */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <nfsc/libnfs.h>

static int fail(struct nfs_context *nfs, const char *what) {
  fprintf(stderr, "%s: %s\n", what, nfs_get_error(nfs));
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <nfs-url> link <existing> <new> | stat <path>...\n", argv[0]);
    return 2;
  }
  struct nfs_context *nfs = nfs_init_context();
  if (nfs == NULL) return 1;
  struct nfs_url *url = nfs_parse_url_dir(nfs, argv[1]);
  if (url == NULL) return fail(nfs, "parse url");
  if (nfs_mount(nfs, url->server, url->path) != 0) return fail(nfs, "mount");
  int status = 0;
  if (strcmp(argv[2], "link") == 0 && argc == 5) {
    if (nfs_link(nfs, argv[3], argv[4]) != 0) status = fail(nfs, "link");
  } else if (strcmp(argv[2], "stat") == 0) {
    for (int i = 3; i < argc && status == 0; i++) {
      struct nfs_stat_64 st;
      if (nfs_stat64(nfs, argv[i], &st) != 0) {
        status = fail(nfs, argv[i]);
        break;
      }
      printf("%s ino=%" PRIu64 " nlink=%" PRIu64 " uid=%" PRIu64 " size=%" PRIu64 "\n", argv[i],
             st.nfs_ino, st.nfs_nlink, st.nfs_uid, st.nfs_size);
    }
  } else {
    fprintf(stderr, "unknown command %s\n", argv[2]);
    status = 2;
  }
  nfs_umount(nfs);
  nfs_destroy_url(url);
  nfs_destroy_context(nfs);
  return status;
}
