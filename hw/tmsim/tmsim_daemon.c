// SPDX-License-Identifier: MIT
/*
 * tmsim - the host side of the QEMU co-simulation: the ivshmem server and
 * the TMA device in one process.
 *
 *   tmsim --socket PATH --ram PATH --ram-size BYTES --dtb FILE
 *          [--engine model|rtl] [--pidfile FILE] [--id VALUE]
 *
 * It creates the guest RAM file (QEMU maps it with memory-backend-file,
 * share=on), listens on PATH as QEMU's ivshmem server, and serves the
 * shared memory of driver/tma_cosim.h: register writes arrive through the
 * mailbox with a doorbell, the register image is refreshed after every
 * step, and a rising interrupt line becomes MSI-X vector 0 of the guest.
 * The device is libtmsim (C model or Verilated RTL); it reads and writes the
 * guest's RAM at the bus addresses the driver programmed, which without a
 * vIOMMU are guest physical addresses = offsets in the RAM file (guest RAM
 * must stay below QEMU's low-memory limit: at most 2 GiB).
 *
 * --id (tests only) makes the image's ID register read VALUE instead of the
 * device's own, so the guest can check that tmaccel refuses a device that
 * is not a TMA1.
 *
 * ivshmem protocol (QEMU docs/specs/ivshmem-spec): server to client only,
 * little-endian int64 messages, some with one fd. The daemon is peer 0,
 * guests are 1, 2, ...; a guest rings peer 0 to reach the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tma_cmd.h"
#include "tma_regs.h"
#include "tmsim.h"
#include "tma_cosim.h"

#define MAX_GUESTS   4
#define SLICE_CYCLES 200000

struct guest {
	int sock;
	int efd;        /* write 1: MSI-X vector 0 in this guest */
	int64_t id;
};

struct daemon {
	struct tmsim *sim;
	uint8_t *shm;
	int shm_fd, listen_fd, dev_efd;
	struct guest guest[MAX_GUESTS];
	int64_t next_id;
	int line;            /* interrupt line after the last step */
	int irq_acked;       /* the guest wrote IRQ_STATUS since the last MSI */
	struct tmsim_faults faults;
	uint32_t fault_region;   /* 1 + region of the next job to fault, or 0 */
	uint32_t fault_jobs_done;/* JOBS_DONE when the bus fault was armed */
	int fault_armed;
	uint64_t msis, doorbells;
	int id_override;     /* --id given: the image's ID register reads @id */
	uint32_t id;
	int stalled;         /* fault request: mailbox shown full, not drained */
	uint32_t real_tail;  /* the mailbox tail to put back when the stall ends */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static struct tma_cosim_mbox *mbox(struct daemon *d)
{
	return (struct tma_cosim_mbox *)(d->shm + TMA_COSIM_MBOX);
}

static struct tma_cosim_fault *fault_page(struct daemon *d)
{
	return (struct tma_cosim_fault *)(d->shm + TMA_COSIM_FAULT);
}

/* ---- the ivshmem server ------------------------------------------------ */

static int send_msg(int sock, int64_t v, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &v, .iov_len = sizeof(v) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == sizeof(v) ? 0 : -errno;
}

static void guest_drop(struct guest *g)
{
	close(g->sock);
	close(g->efd);
	g->sock = -1;
	g->efd = -1;
}

/* Version, id, shared memory, the device's doorbell fd (peer 0), own vector fd. */
static int guest_accept(struct daemon *d)
{
	int sock = accept(d->listen_fd, NULL, NULL);
	struct guest *g = NULL;

	if (sock < 0)
		return -errno;
	for (int i = 0; i < MAX_GUESTS; i++)
		if (d->guest[i].sock < 0)
			g = &d->guest[i];
	if (!g) {
		fprintf(stderr, "tmsim: refusing a guest: %d already connected\n", MAX_GUESTS);
		close(sock);
		return 0;
	}
	g->sock = sock;
	g->id = d->next_id++;
	g->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (g->efd < 0 || send_msg(sock, 0, -1) || send_msg(sock, g->id, -1) ||
	    send_msg(sock, -1, d->shm_fd) || send_msg(sock, 0, d->dev_efd) ||
	    send_msg(sock, g->id, g->efd)) {
		fprintf(stderr, "tmsim: guest %lld: handshake failed\n", (long long)g->id);
		guest_drop(g);
		return 0;
	}
	fprintf(stderr, "tmsim: guest %lld connected\n", (long long)g->id);
	return 0;
}

static void raise_msi(struct daemon *d)
{
	uint64_t one = 1;

	for (int i = 0; i < MAX_GUESTS; i++)
		if (d->guest[i].efd >= 0 && write(d->guest[i].efd, &one, sizeof(one)) == sizeof(one))
			d->msis++;
}

/* ---- the device -------------------------------------------------------- */

static const uint32_t image_regs[] = {
	TMA_REG_ID, TMA_REG_VERSION, TMA_REG_CAPS, TMA_REG_ARRAY, TMA_REG_SRAM, TMA_REG_BUS,
	TMA_REG_CTRL, TMA_REG_STATUS, TMA_REG_RING_BASE_LO, TMA_REG_RING_BASE_HI,
	TMA_REG_RING_SIZE, TMA_REG_RING_HEAD, TMA_REG_RING_TAIL, TMA_REG_IRQ_STATUS,
	TMA_REG_IRQ_MASK, TMA_REG_ERR_STATUS, TMA_REG_ERR_ADDR_LO, TMA_REG_ERR_ADDR_HI,
	TMA_REG_PROGRESS, TMA_REG_JOBS_DONE, TMA_REG_LAST_SEQNO,
};

static void refresh_image(struct daemon *d)
{
	volatile uint32_t *img = (volatile uint32_t *)(d->shm + TMA_COSIM_CSR);

	for (size_t i = 0; i < sizeof(image_regs) / sizeof(image_regs[0]); i++)
		img[image_regs[i] / 4] = tmsim_csr_read(d->sim, image_regs[i]);
	for (uint32_t off = TMA_REG_PERF_CYCLES_LO; off <= TMA_REG_PERF_STALL_HI; off += 4)
		img[off / 4] = tmsim_csr_read(d->sim, off);
	if (d->id_override)
		img[TMA_REG_ID / 4] = d->id;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* The bus-error request names a region of the job just queued: find its span. */
static void arm_region_fault(struct daemon *d)
{
	uint32_t size = tmsim_csr_read(d->sim, TMA_REG_RING_SIZE);
	uint32_t tail = tmsim_csr_read(d->sim, TMA_REG_RING_TAIL);
	uint64_t base = tmsim_csr_read(d->sim, TMA_REG_RING_BASE_LO) |
			(uint64_t)tmsim_csr_read(d->sim, TMA_REG_RING_BASE_HI) << 32;
	struct tma_job_desc desc;
	uint32_t r = d->fault_region - 1;

	if (!size || tmsim_mem_read(d->sim, base + (uint64_t)((tail + size - 1) % size) *
				    TMA_JOB_DESC_SIZE, &desc, sizeof(desc)))
		return;
	if (r >= TMA_MAX_REGIONS)
		return;
	d->faults.dma_fault_addr = desc.regions[r].base;
	d->faults.dma_fault_len = desc.regions[r].size ? desc.regions[r].size : 1;
	tmsim_set_faults(d->sim, &d->faults);
	d->fault_region = 0;
	d->fault_armed = 1;
	d->fault_jobs_done = tmsim_csr_read(d->sim, TMA_REG_JOBS_DONE);
}

/*
 * A stalled mailbox looks full to the guest: its tail a whole ring behind
 * its head. The entries are not applied until the stall ends.
 */
static void set_stall(struct daemon *d, int stall)
{
	struct tma_cosim_mbox *mb = mbox(d);

	if (stall == d->stalled)
		return;
	if (stall) {
		d->real_tail = mb->tail;
		__atomic_store_n(&mb->tail, mb->head - TMA_COSIM_MBOX_ENTRIES, __ATOMIC_RELEASE);
	} else {
		__atomic_store_n(&mb->tail, d->real_tail, __ATOMIC_RELEASE);
	}
	d->stalled = stall;
}

/* Returns 1 if a request was taken. */
static int take_fault_request(struct daemon *d)
{
	struct tma_cosim_fault *f = fault_page(d);

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (f->magic != TMA_COSIM_FAULT_MAGIC || f->seq == f->ack)
		return 0;
	d->faults.hang = !!f->hang;
	d->faults.bad_status = f->bad_status;
	d->fault_region = f->bus_error_region;
	tmsim_set_faults(d->sim, &d->faults);
	set_stall(d, !!f->mbox_stall);
	fprintf(stderr, "tmsim: fault request %u: hang %u, bus error region %u, status %u, "
		"mailbox stall %u\n", f->seq, f->hang, f->bus_error_region, f->bad_status,
		f->mbox_stall);
	__atomic_store_n(&f->ack, f->seq, __ATOMIC_RELEASE);
	return 1;
}

/* Apply every mailbox write in order; the tail moves only after the image. */
static void drain_mailbox(struct daemon *d)
{
	struct tma_cosim_mbox *mb = mbox(d);
	uint32_t head = __atomic_load_n(&mb->head, __ATOMIC_ACQUIRE), tail = mb->tail;
	int tail_written = 0;

	if (d->stalled)
		return;
	/*
	 * The head is the guest's: one more than a ring ahead would have the
	 * loop below apply up to 2^32 stale entries. Keep the newest ring's worth.
	 */
	if (head - tail > TMA_COSIM_MBOX_ENTRIES) {
		fprintf(stderr, "tmsim: mailbox head %u is %u entries past tail %u; "
			"applying the last %u\n", head, head - tail, tail, TMA_COSIM_MBOX_ENTRIES);
		tail = head - TMA_COSIM_MBOX_ENTRIES;
	}
	for (; tail != head; tail++) {
		uint32_t off = mb->ent[tail % TMA_COSIM_MBOX_ENTRIES].off;
		uint32_t val = mb->ent[tail % TMA_COSIM_MBOX_ENTRIES].val;

		if (off % 4 || off >= TMA_CSR_SIZE)
			continue;
		tmsim_csr_write(d->sim, off, val);
		if (off == TMA_REG_IRQ_STATUS)
			d->irq_acked = 1;
		if (off == TMA_REG_RING_TAIL)
			tail_written = 1;
		/* A soft reset clears the device's faults too (libtmsim: hang). */
		if (off == TMA_REG_CTRL && (val & TMA_CTRL_SOFT_RESET_MASK)) {
			memset(&d->faults, 0, sizeof(d->faults));
			d->fault_armed = 0;
		}
	}
	if (tail_written && d->fault_region)
		arm_region_fault(d);
	refresh_image(d);
	__atomic_store_n(&mb->tail, tail, __ATOMIC_RELEASE);
}

static void update_irq(struct daemon *d)
{
	int line = tmsim_irq(d->sim);

	if (line && (!d->line || d->irq_acked)) {
		raise_msi(d);
		d->irq_acked = 0;
	}
	d->line = line;
}

/* Run until idle or the slice ends; returns 1 if the device still has work. */
static int step(struct daemon *d)
{
	uint64_t ran = 0;
	int why = tmsim_run(d->sim, SLICE_CYCLES, &ran);

	if (d->fault_armed && tmsim_csr_read(d->sim, TMA_REG_JOBS_DONE) != d->fault_jobs_done) {
		d->faults.dma_fault_addr = d->faults.dma_fault_len = 0;
		tmsim_set_faults(d->sim, &d->faults);
		d->fault_armed = 0;
	}
	refresh_image(d);
	update_irq(d);
	return why == TMSIM_STOP_LIMIT;
}

static int serve(struct daemon *d)
{
	int busy = 0;

	while (!stop) {
		struct pollfd pfd[2 + MAX_GUESTS];
		int n = 0;
		/*
		 * A hung device makes no progress: wait for the guest, don't
		 * spin. Idle, wake now and then for a fault request that
		 * comes without a doorbell (a stalled mailbox has none).
		 */
		int timeout = busy ? (d->faults.hang ? 1 : 0) : 100;

		pfd[n++] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->dev_efd, .events = POLLIN };
		for (int i = 0; i < MAX_GUESTS; i++)
			pfd[n++] = (struct pollfd){ .fd = d->guest[i].sock, .events = POLLIN };
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			return -errno;
		if (pfd[0].revents & POLLIN)
			guest_accept(d);
		for (int i = 0; i < MAX_GUESTS; i++)
			if (d->guest[i].sock >= 0 && pfd[2 + i].revents) {
				/* The state it left the device in (driver-check: shutdown). */
				fprintf(stderr, "tmsim: guest %lld gone; device CTRL %#x IRQ_MASK %#x "
					"STATUS %#x\n", (long long)d->guest[i].id,
					tmsim_csr_read(d->sim, TMA_REG_CTRL),
					tmsim_csr_read(d->sim, TMA_REG_IRQ_MASK),
					tmsim_csr_read(d->sim, TMA_REG_STATUS));
				guest_drop(&d->guest[i]);
			}
		if (pfd[1].revents & POLLIN) {
			uint64_t cnt;

			if (read(d->dev_efd, &cnt, sizeof(cnt)) == sizeof(cnt))
				d->doorbells += cnt;
			mbox(d)->doorbells = (uint32_t)d->doorbells;
			take_fault_request(d);
			drain_mailbox(d);
			update_irq(d);
			busy = 1;
		} else if (take_fault_request(d)) {
			drain_mailbox(d);
			update_irq(d);
			busy = 1;
		}
		if (busy)
			busy = step(d);
	}
	return 0;
}

/* ---- setup ------------------------------------------------------------- */

static int setup_shm(struct daemon *d)
{
	d->shm_fd = memfd_create("tmsim-csr", MFD_CLOEXEC);
	if (d->shm_fd < 0 || ftruncate(d->shm_fd, TMA_COSIM_SHM_SIZE))
		return -errno;
	d->shm = mmap(NULL, TMA_COSIM_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, d->shm_fd, 0);
	if (d->shm == MAP_FAILED)
		return -errno;
	mbox(d)->dev_peer = 0;
	refresh_image(d);
	mbox(d)->magic = TMA_COSIM_MBOX_MAGIC;
	return 0;
}

static int setup_ram(struct daemon *d, const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	int ret;

	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		fprintf(stderr, "tmsim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	ret = tmsim_mem_add_file(d->sim, 0, path, 0, size);
	if (ret)
		fprintf(stderr, "tmsim: mapping %s: %s\n", path, strerror(-ret));
	return ret;
}

static int setup_socket(struct daemon *d, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "tmsim: socket path longer than %zu bytes\n", sizeof(a.sun_path) - 1);
		return -1;
	}
	strcpy(a.sun_path, path);
	unlink(path);
	d->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->listen_fd < 0 || bind(d->listen_fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(d->listen_fd, 4)) {
		fprintf(stderr, "tmsim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int load_sim(struct daemon *d, const char *dtb_path, const char *engine)
{
	char err[256];
	static char blob[1 << 16];
	FILE *f = fopen(dtb_path, "rb");
	size_t n;
	int ret;

	if (!f) {
		fprintf(stderr, "tmsim: %s: %s\n", dtb_path, strerror(errno));
		return -1;
	}
	n = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	ret = tmsim_create_dtb(engine, blob, n, &d->sim, err, sizeof(err));
	if (ret)
		fprintf(stderr, "tmsim: %s: %s\n", dtb_path, err);
	return ret;
}

static int parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX || *s == '-')
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: tmsim --socket PATH --ram PATH --ram-size BYTES --dtb FILE "
			"[--engine model|rtl] [--pidfile FILE] [--id VALUE]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "ram", required_argument, NULL, 'r' },
		{ "ram-size", required_argument, NULL, 'z' },
		{ "dtb", required_argument, NULL, 'd' },
		{ "engine", required_argument, NULL, 'e' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "id", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *ram = NULL, *dtb = NULL, *engine = NULL, *pidfile = NULL;
	unsigned long long ram_size = 0;
	struct daemon d = { .shm_fd = -1, .listen_fd = -1, .next_id = 1 };
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'r': ram = optarg; break;
		case 'd': dtb = optarg; break;
		case 'e': engine = optarg; break;
		case 'p': pidfile = optarg; break;
		case 'i':
			if (parse_u32(optarg, &d.id)) {
				fprintf(stderr, "tmsim: --id %s: not a 32-bit number\n", optarg);
				return 2;
			}
			d.id_override = 1;
			break;
		case 'z':
			ram_size = strtoull(optarg, &end, 0);
			if (*end == 'M')
				ram_size <<= 20;
			else if (*end)
				ram_size = 0;
			break;
		default: usage(); return 2;
		}
	}
	if (!sock || !ram || !dtb || !ram_size || ram_size > (2ull << 30)) {
		usage();
		if (ram_size > (2ull << 30))
			fprintf(stderr, "tmsim: --ram-size above 2 GiB breaks addr == file offset\n");
		return 2;
	}
	for (int i = 0; i < MAX_GUESTS; i++)
		d.guest[i] = (struct guest){ .sock = -1, .efd = -1 };
	if (load_sim(&d, dtb, engine) || setup_ram(&d, ram, ram_size) || setup_shm(&d) ||
	    setup_socket(&d, sock))
		return 1;
	d.dev_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d.dev_efd < 0)
		return 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	fprintf(stderr, "tmsim: engine %s, listening on %s\n", tmsim_engine_name(d.sim), sock);
	serve(&d);
	fprintf(stderr, "tmsim: %llu doorbells, %llu interrupts\n",
		(unsigned long long)d.doorbells, (unsigned long long)d.msis);
	unlink(sock);
	tmsim_destroy(d.sim);
	return 0;
}
