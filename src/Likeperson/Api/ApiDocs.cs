using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Likeperson;

/// <summary>
/// What the OpenAPI document (/openapi/v1.json) says about answers. Successful answers come from the handlers' typed results
/// (or `.Produces&lt;T&gt;` where SQL builds the JSON); problem answers are declared with <see cref="ProducesProblems"/> per
/// endpoint, and the ones every endpoint of a kind can give by <see cref="DeclareCommonProblems"/>. The problem schema is the
/// framework's ProblemDetails with this server's `code` and `errors`. OpenApiConformanceTests holds the server to it.
/// </summary>
public static class ApiDocs
{
    public static void Configure(OpenApiOptions o)
    {
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Likeperson API";
            doc.Info.Version = "v1";
            doc.Info.Description = OpenApiNotes.Description;
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
            {
                schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                schema.Properties["code"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Description = "Stable machine code, e.g. not_found, validation_failed, version_mismatch.",
                };
                schema.Properties["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object, Description = "Field errors (validation_failed): field name → messages.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                };
                schema.Required = new HashSet<string> { "type", "title", "status", "detail", "code" };
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>Declares problem answers (application/problem+json) with these statuses.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses) builder.ProducesProblem(status);
        return builder;
    }

    /// <summary>
    /// The problems every endpoint of the group can give by its kind: one that needs a token 401 (none, expired, badly signed)
    /// and 404 (a token whose subject is no person here); a write 400 (malformed JSON, checked before the handler) and 429
    /// (writes per person per minute); one that reads a JSON body 415 (a body of another media type).
    /// </summary>
    public static RouteGroupBuilder DeclareCommonProblems(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            var metadata = endpoint.Metadata;
            var methods = metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToArray();
            var statuses = new List<int>();
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any()) statuses.AddRange([401, 404]);
            if (methods.Any(m => m is "POST" or "PUT" or "PATCH" or "DELETE")) statuses.AddRange([400, 429]);
            if (metadata.OfType<IAcceptsMetadata>().Any()) statuses.Add(415); // a body that is not JSON
            var declared = metadata.OfType<IProducesResponseTypeMetadata>().Select(p => p.StatusCode).ToHashSet();
            foreach (var status in statuses.Where(declared.Add))
                metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
        });
        return group;
    }
}
