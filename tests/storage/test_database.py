"""The SQLite database: pragmas, migrations, foreign keys, CHECK, rollback."""

import fcntl
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import DeclarativeBase

from tests.support.seed import make_comment, make_post, make_project
from waywo.errors import StorageError
from waywo.storage.database import MIGRATIONS, get_engine, migrate, session_scope
from waywo.storage.models import Comment, Post, Project

MIGRATOR = """
import sys
from pathlib import Path

from waywo.storage.database import get_engine, migrate

engine = get_engine(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
migrate(engine)
"""


def find_newest_revision() -> str:
    """Return the head revision of the migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def read_revision(engine: Engine) -> str | None:
    """Return the revision the database says it is at."""
    with engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def count_rows(engine: Engine, table: type[DeclarativeBase]) -> int:
    """Return how many rows the table holds."""
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def add_thread(engine: Engine, post_id: int, comment_id: int) -> None:
    """Store a post with a comment, a reply to it and a project of the comment."""
    with session_scope(engine) as session:
        session.add(make_post(post_id, month=1))
        session.flush()
        session.add(make_comment(comment_id, post_id))
        session.flush()
        session.add(make_comment(comment_id + 1, post_id, parent_id=comment_id))
        session.add(make_project(comment_id, f"Project of {post_id}", np.ones(8)))


def test_a_new_connection_has_wal_foreign_keys_and_a_busy_timeout(
    engine: Engine,
) -> None:
    """Every connection the engine opens is in WAL mode, with FKs and a wait."""
    engine.dispose()

    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }

    assert pragmas["journal_mode"] == "wal"
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] >= 1000


def test_a_migrated_database_is_at_the_newest_revision(engine: Engine) -> None:
    """migrate() records the head revision in alembic_version."""
    revision = read_revision(engine)

    assert revision == find_newest_revision()


def test_migrating_twice_keeps_the_schema_and_the_rows(engine: Engine) -> None:
    """A second migrate() is a no-op: same revision, rows untouched."""
    add_thread(engine, post_id=1, comment_id=10)

    migrate(engine)

    assert read_revision(engine) == find_newest_revision()
    assert count_rows(engine, Post) == 1
    assert count_rows(engine, Project) == 1


def test_two_processes_can_migrate_a_new_file_at_once(tmp_path: Path) -> None:
    """Processes that start together both migrate a new database without error."""
    database_path = tmp_path / "shared.sqlite3"
    command = [sys.executable, "-c", MIGRATOR, str(database_path)]
    processes = [
        subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        assert process.stdout.readline() == "ready\n"

    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = [process.communicate(timeout=60) for process in processes]

    for process, (_, errors) in zip(processes, outcomes, strict=True):
        assert process.returncode == 0, errors
    assert read_revision(get_engine(database_path)) == find_newest_revision()


def test_migrate_touches_a_new_file_only_once_it_holds_the_lock(
    tmp_path: Path,
) -> None:
    """While another migration holds the lock, migrate() leaves a new file alone."""
    database_path = tmp_path / "shared.sqlite3"
    engine = get_engine(database_path)
    waiting = threading.Thread(target=migrate, args=(engine,))

    with Path(f"{database_path}.migrate-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting.start()
        waiting.join(timeout=0.5)
        is_touched_while_locked = database_path.exists()
    waiting.join()

    assert read_revision(engine) == find_newest_revision()
    assert not is_touched_while_locked


def test_a_comment_of_a_missing_post_is_refused(engine: Engine) -> None:
    """A foreign key to no post fails as StorageError and nothing is written."""
    with (
        pytest.raises(StorageError, match="FOREIGN KEY"),
        session_scope(engine) as session,
    ):
        session.add(make_post(1, month=1))
        session.add(make_comment(10, post_id=999))

    assert count_rows(engine, Post) == 0
    assert count_rows(engine, Comment) == 0


def test_deleting_a_post_deletes_its_comments_and_projects(engine: Engine) -> None:
    """Deleting a post cascades to its comments, their replies and projects."""
    add_thread(engine, post_id=1, comment_id=10)
    add_thread(engine, post_id=2, comment_id=20)

    with session_scope(engine) as session:
        session.execute(delete(Post).where(Post.id == 1))

    with session_scope(engine) as session:
        comment_ids = session.scalars(select(Comment.id).order_by(Comment.id)).all()
        project_comments = session.scalars(select(Project.comment_id)).all()
    assert comment_ids == [20, 21]
    assert project_comments == [20]


def give_an_idea_score_of_11(project: Project) -> None:
    """Score the idea outside 1..10."""
    project.idea_score = 11


def drop_the_invalid_reason(project: Project) -> None:
    """Mark the project invalid without saying why."""
    project.is_valid = False
    project.invalid_reason = None


def misstate_the_embedding_dim(project: Project) -> None:
    """Claim one more dimension than the blob of 8 floats holds."""
    project.embedding_dim = 9


@pytest.mark.parametrize(
    ("spoil", "constraint"),
    [
        (give_an_idea_score_of_11, "idea_score_range"),
        (drop_the_invalid_reason, "invalid_has_reason"),
        (misstate_the_embedding_dim, "embedding_complete"),
    ],
)
def test_a_project_breaking_a_check_constraint_is_refused(
    engine: Engine, spoil: Callable[[Project], None], constraint: str
) -> None:
    """Each CHECK constraint refuses its kind of bad project."""
    add_thread(engine, post_id=1, comment_id=10)
    project = make_project(10, "Spoiled", np.ones(8))
    spoil(project)

    with (
        pytest.raises(StorageError, match=f"CHECK constraint failed: {constraint}"),
        session_scope(engine) as session,
    ):
        session.add(project)

    assert count_rows(engine, Project) == 1


def test_session_scope_rolls_back_everything_on_error(engine: Engine) -> None:
    """An exception inside the scope undoes every row it wrote, flushed or not."""
    with pytest.raises(RuntimeError, match="stop"), session_scope(engine) as session:
        session.add(make_post(1, month=1))
        session.flush()
        session.add(make_comment(10, post_id=1))
        session.flush()
        raise RuntimeError("stop")

    assert count_rows(engine, Post) == 0
    assert count_rows(engine, Comment) == 0


def read_embedding_seq(engine: Engine, project_id: int) -> int | None:
    """Return the commit-order number of a project's last embedding write."""
    with session_scope(engine) as session:
        return session.scalar(
            select(Project.embedding_seq).where(Project.id == project_id)
        )


def test_every_embedding_write_takes_the_next_sequence_number(engine: Engine) -> None:
    """Inserts and re-embeddings number up; other updates and bare rows do not."""
    add_thread(engine, post_id=1, comment_id=10)  # its project takes number 1
    with session_scope(engine) as session:
        first = make_project(10, "First", np.ones(4))
        second = make_project(10, "Second", np.ones(4))
        bare = make_project(10, "No vector")
        session.add_all([first, second, bare])

    seqs_on_insert = {read_embedding_seq(engine, p.id) for p in (first, second)}
    seq_of_second = read_embedding_seq(engine, second.id)
    with session_scope(engine) as session:
        session.get_one(Project, second.id).is_bookmarked = True
    seq_after_bookmark = read_embedding_seq(engine, second.id)
    with session_scope(engine) as session:
        session.get_one(Project, first.id).embedding = np.zeros(4, "<f4").tobytes()
    seq_after_reembedding = read_embedding_seq(engine, first.id)

    assert seqs_on_insert == {2, 3}
    assert seq_after_bookmark == seq_of_second
    assert read_embedding_seq(engine, bare.id) is None
    assert seq_after_reembedding == 4
