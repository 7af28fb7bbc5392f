using System.Xml.Linq;
using Dapper;
using Likeperson.Database;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Likeperson.Web;

/// <summary>
/// The data-protection key ring in PostgreSQL (data_protection_keys, migration 0019), so a session cookie made by one
/// instance is accepted by every other and survives restarts. The framework reads the ring when it starts and when it
/// refreshes it (daily) and writes a key when it makes one; the interface is synchronous.
/// </summary>
public sealed class DataProtectionKeys(WorkerDataSource worker) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var conn = worker.Source.OpenConnection();
        return conn.Query<string>("SELECT xml FROM data_protection_keys ORDER BY id").Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var conn = worker.Source.OpenConnection();
        conn.Execute("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@friendlyName, @xml)",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
