"""newswire.Article: attributes, constructor, and byte compatibility with
the protoc-generated classes (generated at build time from proto/)."""

import datetime as dt
import json

import pytest

import newswire
from newswire.v1 import article_pb2


def make_article() -> newswire.Article:
    return newswire.Article(
        id="urn:example:tram-1",
        version=2,
        headline="Council approves new tram line",
        dateline="PORTO, Portugal",
        body_text="The council voted 31 to 4.\n\nWork starts in spring.",
        language="en",
        urgency=3,
        first_created=dt.datetime(2024, 11, 23, 9, 30, tzinfo=dt.timezone.utc),
        subjects=["transport", {"name": "politics", "code": "medtop:11000000"}],
        places=[newswire.Entity("Porto")],
        keywords=["tram", "council"],
        source="Newswire",
        links=[{"href": "https://example.com/tram", "rel": "canonical"}],
        pub_status="withheld",
    )


def test_attributes_are_the_proto_fields_with_python_values():
    a = make_article()
    assert a.headline == "Council approves new tram line"
    assert a.version == 2
    assert a.urgency == 3
    assert a.first_created == dt.datetime(2024, 11, 23, 9, 30, tzinfo=dt.timezone.utc)
    assert a.version_created is None
    assert a.subjects == [newswire.Entity("transport"),
                          newswire.Entity("politics", "medtop:11000000")]
    assert a.places[0].name == "Porto"
    assert a.keywords == ["tram", "council"]
    assert a.source == newswire.Source("Newswire")
    assert a.links[0].rel == "canonical"
    assert a.pub_status == "WITHHELD"
    with pytest.raises(AttributeError):
        a.no_such_field
    with pytest.raises(AttributeError):
        newswire.Article(no_such_field=1)
    with pytest.raises(ValueError):
        newswire.Article(first_created=dt.datetime(2024, 1, 1))  # Naive.


def test_bytes_round_trip_with_protoc_generated_class():
    a = make_article()
    pb = article_pb2.Article.FromString(a.to_bytes())
    assert pb.headline == a.headline
    assert pb.subjects[1].code == "medtop:11000000"
    assert pb.first_created.ToDatetime() == dt.datetime(2024, 11, 23, 9, 30)
    pb.byline = "Ana Costa"
    b = newswire.Article.from_bytes(pb.SerializeToString())
    assert b.byline == "Ana Costa"
    assert b.headline == a.headline
    assert newswire.Article.from_bytes(a.to_bytes()) == a


def test_to_dict_and_to_json_use_proto_field_names():
    a = make_article()
    d = a.to_dict()
    assert d["headline"] == a.headline
    assert d["body_text"] == a.body_text
    assert d["first_created"] == "2024-11-23T09:30:00Z"
    assert d["pub_status"] == "PUB_STATUS_WITHHELD"
    assert json.loads(a.to_json()) == d


def test_repr_is_readable():
    r = repr(make_article())
    assert r.startswith("Article(id='urn:example:tram-1', version=2, headline='Council")


def test_parsed_article_matches_generated_class(seed_text):
    a = newswire.parse_text(seed_text)
    pb = article_pb2.Article.FromString(a.to_bytes())
    assert pb.dateline == "KYIV, Ukraine"
    assert pb.word_count == a.word_count


def test_generated_classes_are_one_class_per_message():
    # A FeedEvent's article is an article_pb2.Article, so generated messages
    # compose (this breaks if the C++ module loads between the *_pb2 imports).
    from newswire.v1 import feed_pb2

    event = feed_pb2.FeedEvent(article=article_pb2.Article(headline="x"))
    assert type(event.article) is article_pb2.Article


def _story() -> newswire.Article:
    return newswire.Article(
        id="urn:interchange:1", version=2, headline="Grain ships sail", byline="Jo Bloggs",
        dateline="ODESA, Ukraine", language="en", urgency=3,
        first_created=dt.datetime(2024, 11, 23, 8, 0, tzinfo=dt.timezone.utc),
        version_created=dt.datetime(2024, 11, 23, 9, 30, tzinfo=dt.timezone.utc),
        places=[newswire.Entity(name="Odesa")], subjects=[newswire.Entity(name="Shipping")],
        canonical_url="https://example.com/grain", body_text="First.\n\nSecond.")


def test_pickle_equality_and_hash_by_id_and_version():
    import pickle
    story = _story()
    again = pickle.loads(pickle.dumps(story))
    assert again == story and again is not story
    assert hash(again) == hash(story) == hash(("urn:interchange:1", 2))
    assert len({story, again, newswire.Article(id="urn:interchange:1", version=3)}) == 2


def test_to_proto_is_a_copy_of_the_protoc_message():
    story = _story()
    message = story.to_proto()
    assert isinstance(message, article_pb2.Article)
    assert message.headline == "Grain ships sail"
    message.headline = "changed"
    assert story.headline == "Grain ships sail"


def test_ninjs_round_trip_and_schema():
    jsonschema = pytest.importorskip("jsonschema", reason="python3-jsonschema is not installed")
    import pathlib
    schema_path = (pathlib.Path(__file__).parents[1] / "data" / "schemas" /
                   "ninjs-schema_2.1.json")
    document = _story().to_ninjs()
    jsonschema.Draft202012Validator(json.loads(schema_path.read_text())).validate(document)
    assert document["uri"] == "urn:interchange:1"
    assert document["headlines"][0]["value"] == "Grain ships sail"
    back = newswire.Article.from_ninjs(document)
    for field in ["id", "version", "headline", "byline", "dateline", "language", "urgency",
                  "first_created", "version_created", "canonical_url", "body_text"]:
        assert getattr(back, field) == getattr(_story(), field), field
    assert [p.name for p in back.places] == ["Odesa"]
    assert [s.name for s in back.subjects] == ["Shipping"]
    # JSON text works too; two objects are not one article.
    assert newswire.Article.from_ninjs(json.dumps(document)).id == "urn:interchange:1"
    with pytest.raises(newswire.InvalidArgumentError, match="one ninjs object"):
        newswire.Article.from_ninjs(json.dumps([document, document]))
